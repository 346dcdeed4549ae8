"""CSV downloads of the lists and the whole-organisation JSON export."""

import csv
import datetime as dt
import io
import json

from django.test import Client as HttpClient

from sessiondesk.accounts import invitations
from sessiondesk.accounts.models import AuditEntry
from sessiondesk.accounts.tokens import create_token
from sessiondesk.attendance.models import Attendee, Kind, Outcome, SessionAttendance
from sessiondesk.meetings.models import MeetingLink, Registration, RegistrationState
from sessiondesk.scheduling.models import Client, SessionStatus
from tests.conftest import login
from tests.support.sessions import make_session


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2030, 3, day, hour, tzinfo=dt.UTC)


def test_sessions_export_follows_the_filters_and_names_the_zone(
    client, owner, consultant, consultant2, lesson, student
) -> None:  # type: ignore[no-untyped-def]
    first = make_session(consultant, lesson, title="Algebra", start=_at(4, 15), end=_at(4, 16))
    first.clients.set([student])
    make_session(consultant2, lesson, title="Biology", start=_at(4, 17), end=_at(4, 18))
    make_session(
        consultant, lesson, title="Gone", start=_at(5, 15), end=_at(5, 16), status=SessionStatus.CANCELLED
    )
    owner.user.timezone = "Europe/Paris"
    owner.user.save()
    response = login(client, owner).get(
        f"/sessions/export.csv?consultant={consultant.pk}&start_date=2030-03-01&end_date=2030-03-31"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sessions-')
    rows = _csv(response)
    assert rows[0][7:9] == ["Start (Europe/Paris)", "End (Europe/Paris)"]
    assert [r[1] for r in rows[1:]] == ["Algebra"]
    assert rows[1][3:9] == [
        "Carla Consultant",
        "carla@acme.test",
        "",
        "stu@example.test",
        "2030-03-04 16:00",
        "2030-03-04 17:00",
    ]
    everything = _csv(client.get("/sessions/export.csv?status=all&start_date=2030-03-01&end_date=2030-03-31"))
    assert [r[1] for r in everything[1:]] == ["Algebra", "Biology", "Gone"]


def test_a_consultant_exports_only_their_own_sessions(client, consultant, consultant2, lesson) -> None:  # type: ignore[no-untyped-def]
    make_session(consultant, lesson, title="Mine", start=_at(4, 15), end=_at(4, 16))
    make_session(consultant2, lesson, title="Theirs", start=_at(4, 17), end=_at(4, 18))
    rows = _csv(login(client, consultant).get("/sessions/export.csv?start_date=2030-03-01"))
    assert [r[1] for r in rows[1:]] == ["Mine"]
    assert rows[0][7] == "Start (America/New_York)"


def test_clients_export_follows_the_search(client, staff, student, org) -> None:  # type: ignore[no-untyped-def]
    Client.objects.create(org=org, name="Ann Archer", email="ann@example.test")
    rows = _csv(login(client, staff).get("/clients/export.csv?q=ann"))
    assert [r[1:5] for r in rows[1:]] == [["Ann Archer", "ann@example.test", "", "America/New_York"]]
    assert rows[0][6] == "Added (America/New_York)"


def test_members_and_audit_exports_require_an_admin(client, consultant) -> None:  # type: ignore[no-untyped-def]
    login(client, consultant)
    assert client.get("/members/export.csv").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert client.get("/settings/export.json").status_code == 403


def test_members_export_lists_the_organisation(client, owner, consultant, outsider) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(login(client, owner).get("/members/export.csv"))
    assert [r[1:5] for r in rows[1:]] == [
        ["Carla Consultant", "carla@acme.test", "Consultant", "yes"],
        ["Olivia Owner", "olivia@acme.test", "Owner", "yes"],
    ]


def test_audit_export_follows_the_action_filter(client, owner, consultant) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(login(client, owner).get("/audit/export.csv?action=member.added"))
    assert rows[0][0] == "When (America/New_York)"
    assert [(r[3], r[4]) for r in rows[1:]] == [("member.added", "Carla Consultant")]
    assert AuditEntry.objects.filter(org=owner.org).count() == 2


def test_the_organisation_export_holds_everything_but_secrets(
    client, owner, consultant, lesson, student, outsider
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(consultant, lesson, title="Algebra", start=_at(4, 15), end=_at(4, 16))
    session.clients.set([student])
    MeetingLink.objects.filter(session=session).update(
        join_url="https://zoom.example/j/1",
        start_url="https://zoom.example/s/1?zak=SECRET-ZAK",
        passcode="SECRET-PASS",
    )
    Registration.objects.create(
        session=session,
        client=student,
        state=RegistrationState.REGISTERED,
        registrant_id="reg-1",
        join_url="https://zoom.example/w/1?tk=SECRET-PERSONAL",
    )
    SessionAttendance.objects.create(session=session, org=session.org, outcome=Outcome.COMPLETED)
    Attendee.objects.create(
        session=session,
        person_key=f"client:{student.pk}",
        kind=Kind.CLIENT,
        client=student,
        name="Stu",
        joined_at=_at(4, 15),
        seconds_present=3000,
        late_seconds=120,
    )
    _, raw_token = create_token(owner, "backup")
    invitation = invitations.invite(owner, email="new@acme.test", name="New", role="consultant")
    response = login(client, owner).get("/settings/export.json")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    document = json.loads(body)
    assert document["format"] == "sessiondesk-organization-export"
    assert document["organization"]["slug"] == "acme"
    assert [m["email"] for m in document["members"]] == ["olivia@acme.test", "carla@acme.test"]
    assert [c["email"] for c in document["clients"]] == ["stu@example.test"]
    assert [t["name"] for t in document["session_types"]] == [
        "Lesson",
        "Consultation",
        "Interview",
        "Onboarding",
    ]
    (exported,) = document["sessions"]
    assert (exported["title"], exported["clients"], exported["start"]) == (
        "Algebra",
        [student.pk],
        "2030-03-04T15:00:00+00:00",
    )
    assert exported["meeting"] == {
        "provider": "custom",
        "state": "pending",
        "join_url": "https://zoom.example/j/1",
    }
    assert document["registrations"] == [
        {"session_id": session.pk, "client_id": student.pk, "state": "registered", "registrant_id": "reg-1"}
    ]
    assert [(a["session_id"], a["outcome"]) for a in document["attendance"]] == [(session.pk, "completed")]
    (came,) = document["attendees"]
    assert (came["client_id"], came["joined_at"], came["seconds_present"], came["late_seconds"]) == (
        student.pk,
        "2030-03-04T15:00:00+00:00",
        3000,
        120,
    )
    secrets = (
        owner.user.password,
        raw_token,
        invitation.token,
        "SECRET-ZAK",
        "SECRET-PASS",
        "SECRET-PERSONAL",
    )
    for secret in (*secrets, "rival"):
        assert secret not in body
    assert "password" not in body and "token" not in body


def test_the_api_exports_the_organisation_for_admins_only(owner, consultant) -> None:  # type: ignore[no-untyped-def]
    _, owner_token = create_token(owner, "backup")
    _, consultant_token = create_token(consultant, "mine")
    api = HttpClient()
    response = api.get("/api/v1/export", HTTP_AUTHORIZATION=f"Bearer {owner_token}")
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["organization"]["name"] == "Acme Tutoring"
    refused = api.get("/api/v1/export", HTTP_AUTHORIZATION=f"Bearer {consultant_token}")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only owners and admins can export the organisation.", "field": None}
    assert api.get("/api/v1/export").status_code == 401


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(client, staff, org) -> None:  # type: ignore[no-untyped-def]
    Client.objects.create(
        org=org, name='=HYPERLINK("http://evil.test","x")', email="a@example.test", phone="+1 555 0100"
    )
    Client.objects.create(org=org, name="-2+3+cmd|' /C calc'!A0", email="b@example.test", phone="-")
    Client.objects.create(org=org, name="@SUM(A1)", email="c@example.test")
    rows = _csv(login(client, staff).get("/clients/export.csv"))
    assert [r[1:4] for r in rows[1:]] == [
        ["'-2+3+cmd|' /C calc'!A0", "b@example.test", "-"],
        ['\'=HYPERLINK("http://evil.test","x")', "a@example.test", "+1 555 0100"],
        ["'@SUM(A1)", "c@example.test", ""],
    ]
