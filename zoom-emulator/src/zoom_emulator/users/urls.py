from ..routing import Route, Scopes
from . import responses

READ = Scopes(
    user=("user:read", "user:read:user", "user_info:read"), admin=("user:read:admin", "user:read:user:admin")
)
LIST = Scopes(admin=("user:read:admin", "user:read:list_users:admin"))
CREATE = Scopes(admin=("user:write:admin", "user:write:user:admin"))
UPDATE = Scopes(user=("user:write", "user:update:user"), admin=("user:write:admin", "user:update:user:admin"))
DELETE = Scopes(user=("user:write", "user:delete:user"), admin=("user:write:admin", "user:delete:user:admin"))
STATUS = Scopes(user=("user:update:status",), admin=("user:write:admin", "user:update:status:admin"))

routes = [
    Route("/v2/users", ("GET",), responses.list_users, category="Medium", scopes=LIST),
    Route("/v2/users", ("POST",), responses.create_user, scopes=CREATE),
    Route("/v2/users/<user_id>", ("GET",), responses.get_user, scopes=READ),
    Route("/v2/users/<user_id>", ("PATCH",), responses.update_user, scopes=UPDATE),
    Route("/v2/users/<user_id>", ("DELETE",), responses.delete_user, scopes=DELETE),
    Route("/v2/users/<user_id>/status", ("PUT",), responses.set_status, scopes=STATUS),
]
