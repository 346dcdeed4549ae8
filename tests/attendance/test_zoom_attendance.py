"""Attendance from Zoom: the run's webhooks, then the participant report, recorded per session."""

import datetime as dt
from typing import Any

from sessiondesk.attendance.models import Attendee, Kind, Outcome, ReportState, SessionAttendance
from sessiondesk.integrations.zoom.attendance import report
from tests.attendance.fixtures import Held


def lines(held: Held) -> list[tuple[str, str, int, int, bool]]:
    return [
        (a.kind, a.name, a.seconds_present, a.late_seconds, a.in_meeting)
        for a in Attendee.objects.filter(session=held.session).order_by("kind", "name")
    ]


def ann(held: Held, minutes: float, action: str) -> dict[str, Any]:
    return {"at": held.at(minutes), "action": action, "name": "Ann", "email": "ANN@example.com"}


def ann_joins(held: Held, minutes: float) -> list[dict[str, Any]]:
    """Ann joins and the host admits her from the waiting room (SessionDesk's meetings have one)."""
    return [ann(held, minutes, "join"), ann(held, minutes, "admit")]


def test_the_webhooks_show_who_is_in_the_meeting_as_it_runs(held: Held) -> None:
    held.script({"at": held.at(1), "action": "start"}, *ann_joins(held, 3))
    assert held.deliver() == 3
    row = SessionAttendance.objects.get(session=held.session)
    assert row.outcome == Outcome.IN_PROGRESS
    assert lines(held) == [
        (Kind.CLIENT, "Ann Student", lines(held)[0][2], 180, True),
        (Kind.HOST, "Carla Consultant", lines(held)[1][2], 60, True),
    ]


def test_a_run_with_rejoins_and_a_guest_counts_minutes_over_rejoins(held: Held) -> None:
    held.script(
        {"at": held.at(0), "action": "start"},
        *ann_joins(held, 3),
        {"at": held.at(5), "action": "join", "name": "Grandpa Joe"},
        {"at": held.at(5), "action": "admit", "name": "Grandpa Joe"},
        {"at": held.at(10), "action": "leave", "name": "Grandpa Joe"},
        ann(held, 20, "leave"),
        *ann_joins(held, 25),
        {"at": held.at(50), "action": "end"},
    )
    assert held.deliver() == 10
    row = SessionAttendance.objects.get(session=held.session)
    assert (row.outcome, row.report_state) == (Outcome.COMPLETED, ReportState.DUE)
    assert lines(held) == [
        (Kind.CLIENT, "Ann Student", (17 + 25) * 60, 180, False),
        (Kind.GUEST, "Grandpa Joe", 300, 300, False),
        (Kind.HOST, "Carla Consultant", 50 * 60, 0, False),
    ]


def test_the_report_fills_what_lost_webhooks_missed_in_one_call(held: Held) -> None:
    answer = held.script(
        {"at": held.at(0), "action": "start"},
        *ann_joins(held, 7),
        {"at": held.at(45), "action": "end"},
        drop_share=1.0,
        seed=1,
    )
    assert answer["sent"] == 0 and len(answer["dropped"]) == 6
    assert held.deliver() == 0
    assert not SessionAttendance.objects.filter(session=held.session).exists()
    SessionAttendance.objects.create(
        session=held.session,
        org=held.session.org,
        report_state=ReportState.DUE,
        report_due_at=held.session.end - dt.timedelta(minutes=1),
    )
    held.zoom.http.delete("/_emulator/requests")
    assert report.run_due(10) == 1
    calls = held.zoom.http.get("/_emulator/requests").json()["requests"]
    assert [(c["path"], c["status"]) for c in calls] == [
        (f"/v2/report/meetings/{held.meeting_id}/participants", 200)
    ]
    row = SessionAttendance.objects.get(session=held.session)
    assert (row.outcome, row.report_state) == (Outcome.COMPLETED, ReportState.DONE)
    assert lines(held) == [
        (Kind.CLIENT, "Ann Student", 38 * 60, 420, False),
        (Kind.HOST, "Carla Consultant", 45 * 60, 0, False),
    ]


def test_the_report_is_read_page_by_page(held: Held, monkeypatch: Any) -> None:
    monkeypatch.setattr(report, "PAGE", 1)
    held.script(
        {"at": held.at(0), "action": "start"}, *ann_joins(held, 2), {"at": held.at(30), "action": "end"}
    )
    assert held.deliver() == 6
    SessionAttendance.objects.filter(session=held.session).update(report_due_at=held.session.start)
    held.zoom.http.delete("/_emulator/requests")
    assert report.run_due(10) == 1
    calls = held.zoom.http.get("/_emulator/requests").json()["requests"]
    assert [c["query"].get("next_page_token", "") != "" for c in calls] == [False, True]
    assert lines(held) == [
        (Kind.CLIENT, "Ann Student", 28 * 60, 120, False),
        (Kind.HOST, "Carla Consultant", 30 * 60, 0, False),
    ]


def test_a_transient_zoom_error_leaves_the_report_due(held: Held) -> None:
    held.script({"at": held.at(0), "action": "start"}, {"at": held.at(30), "action": "end"})
    held.deliver()
    SessionAttendance.objects.filter(session=held.session).update(report_due_at=held.session.start)
    fault = {"path": "/v2/report/*", "kind": "error", "status": 503, "count": 1}
    assert held.zoom.http.post("/_emulator/faults", json=fault).status_code == 201
    assert report.run_due(10) == 1
    row = SessionAttendance.objects.get(session=held.session)
    assert (row.report_state, row.report_attempts, row.outcome) == (
        ReportState.DUE,
        1,
        Outcome.CLIENT_NO_SHOW,
    )
    assert row.report_due_at > held.session.end
