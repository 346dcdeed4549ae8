from ..control.urls import control
from ..openapi import V2_2021, Operation
from ..routing import Route
from . import control as c
from . import pages as p
from . import responses as r

routes = [
    # <path:…>: a UUID may hold "/" (Zoom's router reads the raw path; see responses.instance_name).
    Route(
        "/v2/past_meetings/<path:rest>/participants",
        ("GET",),
        r.past_participants,
        category="Medium",
        operation=Operation(V2_2021, "/past_meetings/{meetingUUID}/participants", "get"),
    ),
    Route(
        "/v2/past_meetings/<path:rest>",
        ("GET",),
        r.past_meeting,
        operation=Operation(V2_2021, "/past_meetings/{meetingUUID}", "get"),
    ),
    Route(
        "/v2/report/meetings/<path:rest>/participants",
        ("GET",),
        r.report_participants,
        category="Heavy",
        operation=Operation(V2_2021, "/report/meetings/{meetingId}/participants", "get"),
    ),
    Route("/s/<meeting_id>", ("GET",), p.start_form, kind="page"),
    Route("/s/<meeting_id>", ("POST",), p.start_submit, kind="page"),
    Route("/j/<meeting_id>", ("GET",), p.join_form, kind="page"),
    Route("/j/<meeting_id>", ("POST",), p.join_submit, kind="page"),
    Route("/j/<meeting_id>/in", ("GET",), p.joined, kind="page"),
    Route("/j/<meeting_id>/leave", ("POST",), p.leave, kind="page"),
    Route("/web/meetings/<meeting_id>/live", ("GET",), p.live, kind="page"),
    Route("/web/meetings/<meeting_id>/admit", ("POST",), p.admit, kind="page"),
    Route("/web/meetings/<meeting_id>/end", ("POST",), p.end, kind="page"),
    control("/meetings/<int:meeting_id>/script", ("POST",), c.script),
    control("/meetings/<int:meeting_id>/runs", ("GET",), c.runs),
]
