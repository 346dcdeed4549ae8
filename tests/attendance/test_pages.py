"""The attendance card, the calendar block, corrections that later Zoom data never overwrites,
and the reports page and CSV."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client as HttpClient
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.attendance.models import AttendancePolicy, Attendee, Outcome, ReportState, SessionAttendance
from sessiondesk.integrations.zoom.attendance import report
from sessiondesk.notifications.models import OutboundEmail
from tests.attendance.fixtures import Held
from tests.conftest import login


def run_with_ann_late(held: Held, **extra: Any) -> None:
    held.script(
        {"at": held.at(0), "action": "start"},
        {"at": held.at(4), "action": "join", "name": "Ann", "email": "ann@example.com"},
        {"at": held.at(4), "action": "admit", "name": "Ann", "email": "ann@example.com"},
        {"at": held.at(40), "action": "end"},
        **extra,
    )
    held.deliver()


def test_the_session_card_shows_each_persons_attendance(
    held: Held, client: HttpClient, staff: Member
) -> None:
    run_with_ann_late(held)
    page = login(client, staff).get(reverse("session_detail", args=[held.session.pk])).content.decode()
    assert 'data-outcome="completed"' in page
    assert f'data-attendee="client:{held.ann.pk}" data-state="left"' in page
    assert "Correct attendance" in page
    # Times in the viewer's zone, on the page and when the card refreshes itself.
    assert staff.timezone == "America/New_York"  # not UTC, so a time left in UTC shows
    joined = (held.session.start + dt.timedelta(minutes=4)).astimezone(ZoneInfo(staff.timezone))
    row = f'data-attendee="client:{held.ann.pk}"'
    for html in (page, client.get(reverse("attendance_card", args=[held.session.pk])).content.decode()):
        line = html[html.index(row) :].split("</tr>", 1)[0]
        assert f"<td>{joined:%H:%M}</td>" in line


def test_the_calendar_block_carries_the_outcome(held: Held, client: HttpClient, staff: Member) -> None:
    run_with_ann_late(held)
    start = (held.session.start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    end = (held.session.start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    answer = login(client, staff).get(
        reverse("calendar_events"),
        {"start": start, "end": end, "consultants": [held.session.consultant_id]},
    )
    assert answer.status_code == 200, answer.content
    [event] = answer.json()["events"]
    assert (event["extendedProps"]["attendance"], event["extendedProps"]["inMeeting"]) == ("completed", 0)
    assert "sd-attendance-completed" in event["classNames"]


def test_a_correction_survives_a_later_report(held: Held, client: HttpClient, staff: Member) -> None:
    run_with_ann_late(held)
    web = login(client, staff)
    url = reverse("attendance_correct_line", args=[held.session.pk])
    assert web.post(url, {"person": f"client:{held.ann.pk}", "minutes": "55"}).status_code == 302
    outcome_url = reverse("attendance_correct_outcome", args=[held.session.pk])
    assert web.post(outcome_url, {"outcome": "client_no_show", "note": "Camera off"}).status_code == 302
    SessionAttendance.objects.filter(session=held.session).update(report_due_at=held.session.end)
    assert report.run_due(10) == 1

    row = SessionAttendance.objects.get(session=held.session)
    assert (row.report_state, row.outcome, row.outcome_corrected) == (
        ReportState.DONE,
        Outcome.CLIENT_NO_SHOW,
        True,
    )
    ann = Attendee.objects.get(session=held.session, client=held.ann)
    assert (ann.seconds_present, ann.corrected) == (55 * 60, True)
    host = Attendee.objects.get(session=held.session, kind="host")
    assert (host.seconds_present, host.source) == (40 * 60, "report")
    assert list(
        AuditEntry.objects.filter(action__startswith="attendance.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "attendance.line_corrected",
        "attendance.outcome_corrected",
    ]


def test_a_bad_correction_is_refused_and_changes_nothing(
    held: Held, client: HttpClient, staff: Member
) -> None:
    run_with_ann_late(held)
    web = login(client, staff)
    url = reverse("attendance_correct_line", args=[held.session.pk])
    refused = web.post(url, {"person": f"client:{held.ann.pk}", "minutes": "lots"})
    assert refused.status_code == 400 and b"whole number" in refused.content
    other = web.post(url, {"person": "client:999999", "minutes": "5"})
    assert other.status_code == 400 and b"not on this session" in other.content
    bad = web.post(reverse("attendance_correct_outcome", args=[held.session.pk]), {"outcome": "great"})
    assert bad.status_code == 400
    assert not Attendee.objects.filter(corrected=True).exists()
    assert not SessionAttendance.objects.filter(outcome_corrected=True).exists()
    assert not AuditEntry.objects.filter(action__startswith="attendance.").exists()


def test_correcting_requires_a_manager(
    held: Held, client: HttpClient, consultant: Member, outsider: Member
) -> None:
    run_with_ann_late(held)
    url = reverse("attendance_correct_outcome", args=[held.session.pk])
    assert login(client, consultant).post(url, {"outcome": "client_no_show"}).status_code == 403
    assert login(HttpClient(), outsider).post(url, {"outcome": "client_no_show"}).status_code == 404
    assert SessionAttendance.objects.get(session=held.session).outcome == Outcome.COMPLETED
    # The consultant sees the card of their own session.
    card = login(client, consultant).get(reverse("attendance_card", args=[held.session.pk]))
    assert card.status_code == 200 and b"Correct attendance" not in card.content


def test_the_reports_count_sessions_minutes_and_no_shows(
    held: Held, client: HttpClient, staff: Member
) -> None:
    run_with_ann_late(held)
    month = held.session.start.astimezone(dt.UTC).strftime("%Y-%m")
    web = login(client, staff)
    csv = web.get(
        reverse("attendance_reports"), {"by": "client", "from": month, "to": month, "format": "csv"}
    )
    assert csv.status_code == 200
    assert csv.content.decode().splitlines() == [
        "Client,Sessions,Held,Minutes present,Client no-shows,Consultant no-shows,Did not take place",
        "Ann Student,1,1,36,0,0,0",
    ]
    page = web.get(reverse("attendance_reports"), {"by": "consultant", "from": month, "to": month})
    assert "<td>Carla Consultant</td><td>1</td><td>1</td><td>40</td>" in page.content.decode()
    bad = web.get(reverse("attendance_reports"), {"by": "month", "from": "soon"})
    assert bad.status_code == 400 and "is not a month" in bad.content.decode()
    assert login(HttpClient(), held.session.consultant).get(reverse("attendance_reports")).status_code == 403


def test_an_admin_sets_the_grace_period_and_the_no_show_email(
    held: Held, client: HttpClient, owner: Member, staff: Member
) -> None:
    url = reverse("attendance_policy")
    assert login(HttpClient(), staff).post(url, {"grace_minutes": "5"}).status_code == 403
    page = login(client, owner).get(reverse("attendance_reports")).content.decode()
    # A short number field the browser bounds too, the email choice a checkbox beside its words.
    assert re.search(r'<input type="number" name="grace_minutes" value="10" min="0" max="240"', page)
    assert re.search(
        r'<label class="check"><input type="checkbox" name="email_staff_on_no_show"[^>]*> Email', page
    )
    bad = login(client, owner).post(url, {"grace_minutes": "999"})
    assert bad.status_code == 400 and b"At most 240 minutes." in bad.content
    assert b'value="999"' in bad.content  # the value stays, beside its error
    assert AttendancePolicy.objects.filter(org=owner.org, grace_minutes=999).exists() is False
    assert (
        login(client, owner).post(url, {"grace_minutes": "5", "email_staff_on_no_show": "on"}).status_code
        == 302
    )
    assert AuditEntry.objects.filter(action="attendance.policy_changed").count() == 1

    held.script(
        {"at": held.at(0), "action": "start"},
        {"at": held.at(30), "action": "end"},
    )
    held.deliver()
    assert SessionAttendance.objects.get(session=held.session).outcome == Outcome.CLIENT_NO_SHOW
    emails = OutboundEmail.objects.filter(kind="attendance.no_show").order_by("to")
    assert [(e.to, e.subject) for e in emails] == [
        ("olivia@acme.test", "Client no-show: Algebra lesson"),
        ("sam@acme.test", "Client no-show: Algebra lesson"),
    ]
    held.deliver()  # nothing new: no second email
    assert OutboundEmail.objects.filter(kind="attendance.no_show").count() == 2


def test_a_session_nobody_opened_did_not_take_place_after_the_grace_period(held: Held, settings: Any) -> None:
    from sessiondesk.attendance import deadlines

    settings.ATTENDANCE_REPORT_DELAY_SECONDS = 0
    assert deadlines.run(10) == 1
    row = SessionAttendance.objects.get(session=held.session)
    assert (row.outcome, row.report_state) == (Outcome.DID_NOT_TAKE_PLACE, ReportState.DUE)
    held.zoom.http.delete("/_emulator/requests")
    assert report.run_due(10) == 1
    row.refresh_from_db()
    assert (row.outcome, row.report_state) == (Outcome.DID_NOT_TAKE_PLACE, ReportState.UNAVAILABLE)
    calls = held.zoom.http.get("/_emulator/requests").json()["requests"]
    assert [(c["path"], c["status"]) for c in calls] == [
        (f"/v2/report/meetings/{held.meeting_id}/participants", 404)
    ]
    assert not OutboundEmail.objects.filter(kind="attendance.no_show").exists()


def test_the_clients_page_shows_their_attendance(held: Held, client: HttpClient, staff: Member) -> None:
    run_with_ann_late(held)
    page = login(client, staff).get(reverse("client_detail", args=[held.ann.pk])).content.decode()
    assert '<td class="small" data-attendance="completed">Completed: 36 min, 4 min late</td>' in page
