from ..openapi import USERS, Operation
from ..routing import Route, Scopes
from . import account, responses

READ = Scopes(
    user=("user:read", "user:read:user", "user_info:read"), admin=("user:read:admin", "user:read:user:admin")
)
LIST = Scopes(admin=("user:read:admin", "user:read:list_users:admin"))
CREATE = Scopes(admin=("user:write:admin", "user:write:user:admin"))
UPDATE = Scopes(user=("user:write", "user:update:user"), admin=("user:write:admin", "user:update:user:admin"))
DELETE = Scopes(user=("user:write", "user:delete:user"), admin=("user:write:admin", "user:delete:user:admin"))
STATUS = Scopes(user=("user:update:status",), admin=("user:write:admin", "user:update:status:admin"))
SUMMARY = Scopes(admin=("user:read:admin", "user:write:admin", "user:read:summary:admin"))
PERMISSIONS = Scopes(
    user=("user:read", "user:write", "user_profile", "user:read:list_permissions"),
    admin=("user:read:admin", "user:write:admin", "user:read:list_permissions:admin"),
)


def op(path: str, method: str) -> Operation:
    return Operation(USERS, path, method)


routes = [
    Route(
        "/v2/users",
        ("GET",),
        responses.list_users,
        category="Medium",
        scopes=LIST,
        operation=op("/users", "get"),
    ),
    Route("/v2/users", ("POST",), responses.create_user, scopes=CREATE, operation=op("/users", "post")),
    Route(
        "/v2/users/summary",
        ("GET",),
        account.summary,
        category="Medium",
        scopes=SUMMARY,
        operation=op("/users/summary", "get"),
    ),
    Route(
        "/v2/users/<user_id>",
        ("GET",),
        responses.get_user,
        scopes=READ,
        operation=op("/users/{userId}", "get"),
    ),
    Route(
        "/v2/users/<user_id>",
        ("PATCH",),
        responses.update_user,
        scopes=UPDATE,
        operation=op("/users/{userId}", "patch"),
    ),
    Route(
        "/v2/users/<user_id>",
        ("DELETE",),
        responses.delete_user,
        scopes=DELETE,
        operation=op("/users/{userId}", "delete"),
    ),
    Route(
        "/v2/users/<user_id>/status",
        ("PUT",),
        responses.set_status,
        scopes=STATUS,
        operation=op("/users/{userId}/status", "put"),
    ),
    Route(
        "/v2/users/<user_id>/permissions",
        ("GET",),
        account.permissions,
        scopes=PERMISSIONS,
        operation=op("/users/{userId}/permissions", "get"),
    ),
]
