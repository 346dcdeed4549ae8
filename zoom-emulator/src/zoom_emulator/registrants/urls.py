from ..openapi import V2_2021, Operation
from ..routing import Route, Scopes
from . import pages, responses

# Reference: zoom.json (2021) meetingRegistrantCreate, addBatchRegistrants, meetingRegistrants,
# meetingRegistrantStatus, meetingregistrantdelete: classic scopes meeting:write / meeting:read
# (:admin); the granular names are those of Zoom's current Meetings API reference.
REGISTER = Scopes(
    user=("meeting:write", "meeting:write:registrant"),
    admin=("meeting:write:admin", "meeting:write:registrant:admin"),
)
BATCH = Scopes(
    user=("meeting:write", "meeting:write:batch_registrants"),
    admin=("meeting:write:admin", "meeting:write:batch_registrants:admin"),
)
LIST = Scopes(
    user=("meeting:read", "meeting:read:list_registrants"),
    admin=("meeting:read:admin", "meeting:read:list_registrants:admin"),
)
STATUS = Scopes(
    user=("meeting:write", "meeting:update:registrant_status"),
    admin=("meeting:write:admin", "meeting:update:registrant_status:admin"),
)
DELETE = Scopes(
    user=("meeting:write", "meeting:delete:registrant"),
    admin=("meeting:write:admin", "meeting:delete:registrant:admin"),
)

routes = [
    Route(
        "/v2/meetings/<meeting_id>/registrants",
        ("POST",),
        responses.add_registrant,
        scopes=REGISTER,
        operation=Operation(V2_2021, "/meetings/{meetingId}/registrants", "post"),
    ),
    Route(
        "/v2/meetings/<meeting_id>/batch_registrants",
        ("POST",),
        responses.batch_registrants,
        category="Heavy",
        scopes=BATCH,
        operation=Operation(V2_2021, "/meetings/{meetingId}/batch_registrants", "post"),
    ),
    Route(
        "/v2/meetings/<meeting_id>/registrants",
        ("GET",),
        responses.list_registrants,
        category="Medium",
        scopes=LIST,
        operation=Operation(V2_2021, "/meetings/{meetingId}/registrants", "get"),
    ),
    Route(
        "/v2/meetings/<meeting_id>/registrants/status",
        ("PUT",),
        responses.update_status,
        category="Medium",
        scopes=STATUS,
        operation=Operation(V2_2021, "/meetings/{meetingId}/registrants/status", "put"),
    ),
    Route(
        "/v2/meetings/<meeting_id>/registrants/<registrant_id>",
        ("DELETE",),
        responses.delete_registrant,
        scopes=DELETE,
        operation=Operation(V2_2021, "/meetings/{meetingId}/registrants/{registrantId}", "delete"),
    ),
    Route("/w/<meeting_id>", ("GET",), pages.join_personal, kind="page"),
]
