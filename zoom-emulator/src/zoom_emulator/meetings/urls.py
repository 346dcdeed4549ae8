from ..openapi import V2_2021, Operation
from ..routing import Route, Scopes
from . import responses

WRITE = Scopes(
    user=("meeting:write", "meeting:write:meeting"),
    admin=("meeting:write:admin", "meeting:write:meeting:admin"),
)
READ = Scopes(
    user=("meeting:read", "meeting:read:meeting"), admin=("meeting:read:admin", "meeting:read:meeting:admin")
)
UPDATE = Scopes(
    user=("meeting:write", "meeting:update:meeting"),
    admin=("meeting:write:admin", "meeting:update:meeting:admin"),
)
DELETE = Scopes(
    user=("meeting:write", "meeting:delete:meeting"),
    admin=("meeting:write:admin", "meeting:delete:meeting:admin"),
)
STATUS = Scopes(
    user=("meeting:write", "meeting:update:status"),
    admin=("meeting:write:admin", "meeting:update:status:admin"),
)
LIST = Scopes(
    user=("meeting:read", "meeting:read:list_meetings"),
    admin=("meeting:read:admin", "meeting:read:list_meetings:admin"),
)

routes = [
    Route(
        "/v2/users/<user_id>/meetings",
        ("POST",),
        responses.create_meeting,
        category="Medium",
        scopes=WRITE,
        daily_meeting=True,
        operation=Operation(V2_2021, "/users/{userId}/meetings", "post"),
    ),
    Route(
        "/v2/users/<user_id>/meetings",
        ("GET",),
        responses.list_meetings,
        category="Medium",
        scopes=LIST,
        operation=Operation(V2_2021, "/users/{userId}/meetings", "get"),
    ),
    Route(
        "/v2/meetings/<meeting_id>",
        ("GET",),
        responses.get_meeting,
        scopes=READ,
        operation=Operation(V2_2021, "/meetings/{meetingId}", "get"),
    ),
    Route(
        "/v2/meetings/<meeting_id>",
        ("PATCH",),
        responses.update_meeting,
        scopes=UPDATE,
        daily_meeting=True,
        operation=Operation(V2_2021, "/meetings/{meetingId}", "patch"),
    ),
    Route(
        "/v2/meetings/<meeting_id>",
        ("DELETE",),
        responses.delete_meeting,
        scopes=DELETE,
        operation=Operation(V2_2021, "/meetings/{meetingId}", "delete"),
    ),
    Route(
        "/v2/meetings/<meeting_id>/status",
        ("PUT",),
        responses.meeting_status,
        scopes=STATUS,
        operation=Operation(V2_2021, "/meetings/{meetingId}/status", "put"),
    ),
]
