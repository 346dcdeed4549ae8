from ..control.urls import control
from ..routing import Route
from . import control as c
from . import pages as p
from . import responses as r

routes = [
    Route("/v2/past_meetings/<path:rest>", ("GET",), r.past_meeting, category="Medium"),
    Route("/v2/report/meetings/<path:rest>", ("GET",), r.report_participants, category="Heavy"),
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
