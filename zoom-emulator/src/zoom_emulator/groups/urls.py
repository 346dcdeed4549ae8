from ..openapi import USERS, Operation
from ..routing import Route, Scopes
from . import manage, responses

READ = Scopes(admin=("group:read:admin", "group:read:list_groups:admin"))
GET = Scopes(admin=("group:read:admin", "group:write:admin", "group:read:group:admin"))
CREATE = Scopes(admin=("group:write:admin", "group:write:group:admin"))
REMOVE = Scopes(admin=("group:write:admin", "group:delete:group:admin"))
MEMBERS = Scopes(admin=("group:read:admin", "group:read:list_members:admin"))
ADD = Scopes(admin=("group:write:admin", "group:write:member:admin"))
REMOVE_MEMBER = Scopes(admin=("group:write:admin", "group:delete:member:admin"))


def op(path: str, method: str) -> Operation:
    return Operation(USERS, path, method)


routes = [
    Route(
        "/v2/groups",
        ("GET",),
        responses.list_groups,
        category="Medium",
        scopes=READ,
        operation=op("/groups", "get"),
    ),
    Route("/v2/groups", ("POST",), manage.create_group, scopes=CREATE, operation=op("/groups", "post")),
    Route(
        "/v2/groups/<group_id>",
        ("GET",),
        manage.get_group,
        scopes=GET,
        operation=op("/groups/{groupId}", "get"),
    ),
    Route(
        "/v2/groups/<group_id>",
        ("DELETE",),
        manage.delete_group,
        scopes=REMOVE,
        operation=op("/groups/{groupId}", "delete"),
    ),
    Route(
        "/v2/groups/<group_id>/members",
        ("GET",),
        responses.list_members,
        category="Medium",
        scopes=MEMBERS,
        operation=op("/groups/{groupId}/members", "get"),
    ),
    Route(
        "/v2/groups/<group_id>/members",
        ("POST",),
        responses.add_members,
        category="Medium",
        scopes=ADD,
        operation=op("/groups/{groupId}/members", "post"),
    ),
    Route(
        "/v2/groups/<group_id>/members/<member_id>",
        ("DELETE",),
        responses.remove_member,
        scopes=REMOVE_MEMBER,
        operation=op("/groups/{groupId}/members/{memberId}", "delete"),
    ),
]
