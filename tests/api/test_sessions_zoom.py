"""The API refuses a Zoom session nobody can host, as the session pages do, before anything is saved."""

import datetime as dt

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import Series, Session
from tests.api.conftest import future, schedule
from tests.support.zoom import connect

CARLA, OLIVIA = "carla@zoom.acme.test", "olivia@zoom.acme.test"


def body(session_type, consultant, start, **extra):  # type: ignore[no-untyped-def]
    return {
        "title": "Algebra",
        "session_type": session_type.pk,
        "consultant": consultant.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=1)).isoformat(),
        "provider": "zoom",
        **extra,
    }


def assert_nothing_saved() -> None:
    assert Session.objects.count() == 0
    assert Series.objects.count() == 0
    assert MeetingLink.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="session.").exists()


def test_it_refuses_a_zoom_session_for_a_consultant_who_must_connect_zoom_first(  # type: ignore[no-untyped-def]
    call_as, staff, consultant, student, lesson
) -> None:
    response = call_as(staff).post(
        "/sessions/", body(lesson, consultant, future(3, 10), clients=[student.pk])
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Carla Consultant must connect Zoom first.", "field": "provider"}
    assert_nothing_saved()


def test_it_refuses_a_zoom_session_for_oneself_without_a_connection(call_as, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    response = call_as(consultant).post("/sessions/", body(lesson, consultant, future(3, 10)))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Connect Zoom first (Settings → Meeting Preferences), then save again.",
        "field": "provider",
    }
    assert_nothing_saved()


def test_it_refuses_a_weekly_zoom_series_and_saves_no_occurrence(call_as, staff, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    response = call_as(staff).post(
        "/sessions/", body(lesson, consultant, future(3, 10), repeat={"every_weeks": 1, "count": 4})
    )
    assert response.status_code == 409
    assert_nothing_saved()


def test_it_refuses_when_zoom_is_the_session_types_default(call_as, staff, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    lesson.default_provider = "zoom"
    lesson.save()
    payload = body(lesson, consultant, future(3, 10))
    del payload["provider"]
    response = call_as(staff).post("/sessions/", payload)
    assert response.status_code == 409
    assert response.json()["detail"] == "Carla Consultant must connect Zoom first."
    assert_nothing_saved()


def test_it_schedules_a_zoom_session_the_consultant_can_host(
    call_as, staff, consultant, lesson, zoom
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    response = call_as(staff).post("/sessions/", body(lesson, consultant, future(3, 10)))
    assert response.status_code == 201
    session = Session.objects.get()
    assert (session.provider, MeetingLink.objects.get(session=session).provider) == ("zoom", "zoom")


def test_it_schedules_a_zoom_session_for_anyone_once_the_organisation_account_is_connected(  # type: ignore[no-untyped-def]
    call_as, owner, staff, consultant, lesson, zoom
) -> None:
    connect(zoom.http, owner, OLIVIA, ConnectionKind.ORGANIZATION)
    response = call_as(staff).post("/sessions/", body(lesson, consultant, future(3, 10)))
    assert response.status_code == 201
    assert Session.objects.get().provider == "zoom"


def test_it_refuses_to_reassign_a_zoom_session_to_a_consultant_who_cannot_host_it(  # type: ignore[no-untyped-def]
    call_as, staff, consultant, consultant2, zoom
) -> None:
    connect(zoom.http, consultant, CARLA)
    session = schedule(consultant, "Algebra", future(3, 10), provider="zoom")
    link = MeetingLink.objects.get(session=session)
    emails = OutboundEmail.objects.count()
    response = call_as(staff).patch(f"/sessions/{session.pk}", {"consultant": consultant2.pk})
    assert response.status_code == 409
    assert response.json() == {"detail": "Dev Consultant must connect Zoom first.", "field": "provider"}
    session.refresh_from_db()
    assert session.consultant_id == consultant.pk
    assert MeetingLink.objects.get(pk=link.pk).desired_version == link.desired_version
    assert OutboundEmail.objects.count() == emails
    assert not AuditEntry.objects.filter(action="session.updated").exists()


def test_it_refuses_to_move_a_session_onto_zoom_when_nobody_can_host_it(call_as, staff, consultant) -> None:  # type: ignore[no-untyped-def]
    session = schedule(
        consultant, "Algebra", future(3, 10), provider="custom", custom_meeting_url="https://meet.example/a"
    )
    response = call_as(staff).patch(f"/sessions/{session.pk}", {"provider": "zoom"})
    assert response.status_code == 409
    session.refresh_from_db()
    assert (session.provider, MeetingLink.objects.filter(provider="zoom").count()) == ("custom", 0)


def test_it_lets_a_zoom_session_that_keeps_its_host_be_renamed(call_as, consultant, zoom) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    session = schedule(consultant, "Algebra", future(3, 10), provider="zoom")
    ZoomConnection.objects.all().delete()  # disconnected since: the sync shows the remedy on the card
    response = call_as(consultant).patch(f"/sessions/{session.pk}", {"title": "Geometry", "provider": "zoom"})
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.title == "Geometry"
