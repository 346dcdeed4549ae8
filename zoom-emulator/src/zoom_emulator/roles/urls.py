from ..routing import Route, Scopes
from . import responses

READ = Scopes(admin=("role:read:admin", "role:read:list_roles:admin"))
MEMBERS = Scopes(admin=("role:read:admin", "role:read:list_members:admin"))
ASSIGN = Scopes(admin=("role:write:admin", "role:write:member:admin"))
UNASSIGN = Scopes(admin=("role:write:admin", "role:delete:member:admin"))

routes = [
    Route("/v2/roles", ("GET",), responses.list_roles, category="Medium", scopes=READ),
    Route("/v2/roles/<role_id>/members", ("GET",), responses.list_members, category="Medium", scopes=MEMBERS),
    Route("/v2/roles/<role_id>/members", ("POST",), responses.assign, category="Medium", scopes=ASSIGN),
    Route("/v2/roles/<role_id>/members/<member_id>", ("DELETE",), responses.unassign, scopes=UNASSIGN),
]
