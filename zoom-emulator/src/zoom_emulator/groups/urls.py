from ..routing import Route, Scopes
from . import responses

READ = Scopes(admin=("group:read:admin", "group:read:list_groups:admin"))
MEMBERS = Scopes(admin=("group:read:admin", "group:read:list_members:admin"))
ADD = Scopes(admin=("group:write:admin", "group:write:member:admin"))
REMOVE = Scopes(admin=("group:write:admin", "group:delete:member:admin"))

routes = [
    Route("/v2/groups", ("GET",), responses.list_groups, category="Medium", scopes=READ),
    Route(
        "/v2/groups/<group_id>/members", ("GET",), responses.list_members, category="Medium", scopes=MEMBERS
    ),
    Route("/v2/groups/<group_id>/members", ("POST",), responses.add_members, category="Medium", scopes=ADD),
    Route("/v2/groups/<group_id>/members/<member_id>", ("DELETE",), responses.remove_member, scopes=REMOVE),
]
