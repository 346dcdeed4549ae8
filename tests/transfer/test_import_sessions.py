"""Importing sessions: the booking flows' rules, row by row, and what an import leaves for the sync."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sessiondesk.meetings.models import CallAttempt, LinkState, MeetingLink, WaitReason
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import (
    AvailabilityRule,
    Client,
    Provider,
    Session,
    SessionType,
)
from sessiondesk.transfer import imports
from sessiondesk.transfer.models import ImportedRecord
from tests.support.sessions import make_session
from tests.transfer.helpers import local, next_weekday, table

HEAD = "id,title,type,consultant,clients,start,duration,online,place"
NY = "America/New_York"


@pytest.fixture
def cast(org, consultant, consultant2, staff, student):  # type: ignore[no-untyped-def]
    Client.objects.create(org=org, name="Ann Archer", email="ann@example.test")
    return org


def _preview(org, *lines):  # type: ignore[no-untyped-def]
    return imports.preview(org, "sessions", table(HEAD, *lines), None, actor=None)


def _reasons(result) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(r["line"], r["reason"]) for r in result.rejected]


def test_it_creates_sessions_with_their_clients_and_no_emails(cast, consultant) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    result = imports.run(
        cast,
        "sessions",
        table(
            HEAD,
            f"A1,Algebra,Lesson,CARLA@acme.test,stu@example.test;ann@example.test,{local(monday)},45,in person,Room 4",
        ),
        None,
        actor=None,
    )
    assert result.counts == {"create": 1, "update": 0, "skip": 0, "reject": 0}
    session = Session.objects.get(org=cast)
    assert (session.title, session.consultant, session.start, session.end) == (
        "Algebra",
        consultant,
        monday.astimezone(dt.UTC),
        monday.astimezone(dt.UTC) + dt.timedelta(minutes=45),
    )
    assert (session.is_online, session.location, session.provider) == (False, "Room 4", Provider.NONE)
    assert sorted(c.email for c in session.clients.all()) == ["ann@example.test", "stu@example.test"]
    assert ImportedRecord.objects.get(org=cast, kind="sessions", external_id="A1").object_id == session.pk
    assert OutboundEmail.objects.count() == 0
    assert MeetingLink.objects.count() == 0  # in person: no meeting


def test_online_sessions_wait_for_the_sync_and_the_horizon(cast, consultant, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEETING_HORIZON_DAYS = 30
    soon, later = next_weekday(1, 10, NY, weeks=1), next_weekday(1, 10, NY, weeks=8)
    SessionType.objects.filter(org=cast, name="Lesson").update(default_provider=Provider.ZOOM)
    imports.run(
        cast,
        "sessions",
        table(
            HEAD,
            f"S,Soon,Lesson,carla@acme.test,,{local(soon)},,online,",
            f"L,Later,Lesson,carla@acme.test,,{local(later)},,,",
        ),
        None,
        actor=None,
    )
    links = {link.session.title: link for link in MeetingLink.objects.select_related("session")}
    assert (links["Soon"].provider, links["Soon"].state, links["Soon"].desired_version) == (
        Provider.ZOOM,
        LinkState.PENDING,
        1,
    )
    assert links["Later"].state == LinkState.WAITING
    assert links["Later"].waiting_for == WaitReason.HORIZON
    assert links["Later"].next_attempt_at == later.astimezone(dt.UTC) - dt.timedelta(days=30)
    assert CallAttempt.objects.count() == 0  # nothing called Zoom inside the import


def test_it_rejects_session_rows_with_their_reasons(cast, consultant, outsider) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    at = local(monday)
    past = local(timezone.localtime() - dt.timedelta(days=2))
    result = _preview(
        cast,
        f"1,T,Lesson,,,{at},,,",
        f"2,T,Lesson,nobody@acme.test,,{at},,,",
        f"3,T,Lesson,rita@rival.test,,{at},,,",
        f"4,T,Lesson,sam@acme.test,,{at},,,",
        f"5,T,,carla@acme.test,,{at},,,",
        f"6,T,Yoga,carla@acme.test,,{at},,,",
        "7,T,Lesson,carla@acme.test,,next monday,,,",
        f"8,T,Lesson,carla@acme.test,,{past},,,",
        f"9,T,Lesson,carla@acme.test,,{at},0,,",
        f"10,T,Lesson,carla@acme.test,,{at},800,,",
        f"11,T,Lesson,carla@acme.test,who@example.test,{at},,,",
        f"12,T,Lesson,carla@acme.test,,{at},,sometimes,",
        f"13,T,Lesson,carla@acme.test,,{at},ninety,,",
    )
    assert _reasons(result) == [
        (2, "No consultant email."),
        (3, "Unknown consultant nobody@acme.test: nobody in this organisation has that email."),
        (4, "Unknown consultant rita@rival.test: nobody in this organisation has that email."),
        (5, "Sam Staff is staff and cannot host sessions."),
        (6, "No session type."),
        (
            7,
            "Unknown session type “Yoga”; this organisation has: Consultation, Interview, Lesson, Onboarding.",
        ),
        (8, "“next monday” is not a date and time; write it as 2026-03-04 15:00 (or 2026-03-04T15:00:00Z)."),
        (9, "That time is in the past; pick a time from now on."),
        (10, "The end must be after the start."),
        (11, "A session can last at most 12 hours."),
        (12, "Unknown client who@example.test; import the clients first."),
        (13, "“sometimes” is neither online nor in person."),
        (14, "The duration “ninety” is not a number of minutes."),
    ]
    assert result.counts == {"create": 0, "update": 0, "skip": 0, "reject": 13}
    assert Session.objects.count() == 0


def test_it_rejects_a_clash_with_a_session_or_another_row(cast, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    make_session(
        consultant,
        lesson,
        title="Existing",
        start=monday.astimezone(dt.UTC),
        end=monday.astimezone(dt.UTC) + dt.timedelta(hours=1),
    )
    tuesday = monday + dt.timedelta(days=1)
    result = _preview(
        cast,
        f"1,Clash,Lesson,carla@acme.test,,{local(monday + dt.timedelta(minutes=30))},,,",
        f"2,First,Lesson,carla@acme.test,,{local(tuesday)},,,",
        f"3,Second,Lesson,carla@acme.test,,{local(tuesday + dt.timedelta(minutes=15))},,,",
        f"2,Dup,Lesson,dev@acme.test,,{local(tuesday)},,,",
    )
    when = f"{monday:%a} {monday.day} {monday:%b %Y} 15:30"
    tue = f"{tuesday:%a} {tuesday.day} {tuesday:%b %Y} 15:15"
    assert _reasons(result) == [
        (2, f"Carla Consultant already has a session at {when} {monday.tzname()} (Existing)."),
        (4, f"Carla Consultant already has a session at {tue} {tuesday.tzname()} (line 3)."),
        (5, "The same external id as line 3."),
    ]
    assert result.counts["create"] == 1


def test_it_rejects_a_time_outside_the_consultants_availability(cast, consultant) -> None:  # type: ignore[no-untyped-def]
    AvailabilityRule.objects.create(member=consultant, weekday=0, start_time=dt.time(9), end_time=dt.time(17))
    inside, late = next_weekday(0, 16, NY), next_weekday(0, 17, NY, weeks=2)
    result = _preview(
        cast,
        f"1,In,Lesson,carla@acme.test,,{local(inside)},60,,",
        f"2,Late,Lesson,carla@acme.test,,{local(late)},30,,",
        f"3,Dev has no rules,Lesson,dev@acme.test,,{local(late)},30,,",
    )
    when = f"{late:%a} {late.day} {late:%b %Y} 17:00 {late.tzname()}"
    assert _reasons(result) == [(3, f"{when} is outside Carla Consultant's availability.")]
    assert result.counts["create"] == 2


def test_importing_the_same_sessions_again_changes_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    tuesday = monday + dt.timedelta(days=1)
    lines = (
        f"A1,Algebra,Lesson,carla@acme.test,stu@example.test,{local(monday)},,,,",
        f",No id,Lesson,dev@acme.test,,{local(monday)},,,,",
        f"W,Weekly,Lesson,carla@acme.test,,{local(tuesday)},,,,3",
    )
    first = imports.run(
        cast,
        "sessions",
        table(HEAD + ",repeat", *lines),
        None,
        actor=None,
    )
    assert first.counts["create"] == 3
    assert Session.objects.count() == 5  # the weekly row is three sessions of one series
    again = imports.run(
        cast,
        "sessions",
        table(HEAD + ",repeat", *lines),
        None,
        actor=None,
    )
    assert again.counts == {"create": 0, "update": 0, "skip": 3, "reject": 0}
    assert Session.objects.count() == 5


def test_a_changed_title_or_client_updates_the_session(cast, consultant) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    imports.run(
        cast,
        "sessions",
        table(HEAD, f"A1,Algebra,Lesson,carla@acme.test,stu@example.test,{local(monday)},,,"),
        None,
        actor=None,
    )
    result = imports.run(
        cast,
        "sessions",
        table(HEAD, f"A1,Geometry,Lesson,carla@acme.test,ann@example.test,{local(monday)},,,"),
        None,
        actor=None,
    )
    assert result.counts == {"create": 0, "update": 1, "skip": 0, "reject": 0}
    session = Session.objects.get()
    assert session.title == "Geometry"
    assert [c.email for c in session.clients.all()] == ["ann@example.test"]


def test_a_cancelled_row_is_skipped(cast) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    tbl = table(
        "uid,title,type,host email,startTime,status",
        f"x,Gone,Lesson,carla@acme.test,{monday.isoformat()},CANCELLED",
    )
    result = imports.run(cast, "sessions", tbl, None, actor=None)
    assert result.counts == {"create": 0, "update": 0, "skip": 1, "reject": 0}
    assert Session.objects.count() == 0


def test_a_rejected_row_leaves_the_rest_to_import_and_a_failed_batch_writes_nothing(
    cast, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    tbl = table(
        HEAD,
        f"1,A,Lesson,carla@acme.test,,{local(monday)},,,",
        f"2,B,Lesson,dev@acme.test,,{local(monday)},,,",
    )

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr("sessiondesk.meetings.desired.sessions_imported", broken)
    with pytest.raises(imports.ImportStopped) as stopped:
        imports.run(cast, "sessions", tbl, None, actor=None)
    assert stopped.value.result.error == "Lines 2–3 were not imported: disk full"
    assert Session.objects.count() == 0
    assert ImportedRecord.objects.count() == 0


def test_it_rejects_bad_meeting_settings_and_a_long_title(cast) -> None:  # type: ignore[no-untyped-def]
    at = local(next_weekday(0, 15, NY))
    head = "title,type,consultant,start,online,online meeting,meeting link,repeat"
    result = imports.preview(
        cast,
        "sessions",
        table(
            head,
            f"T,Lesson,carla@acme.test,{at},online,Skype,,",
            f"T,Lesson,carla@acme.test,{at},online,custom,,",
            f"T,Lesson,carla@acme.test,{at},online,,ftp://rooms.example/1,",
            f"{'x' * 201},Lesson,carla@acme.test,{at},,,,",
            f"T,Lesson,carla@acme.test,{at},,,,200",
            f"T,Lesson,carla@acme.test,{at},,,,weekly",
        ),
        None,
        actor=None,
    )
    assert _reasons(result) == [
        (2, "Unknown online meeting “Skype”; use Zoom, Custom link or No online meeting."),
        (3, "A custom meeting link needs its URL."),
        (4, "The meeting link must start with https://."),
        (5, "The title is longer than 200 characters."),
        (6, "A series has 1 to 104 sessions."),
        (7, "The weekly repeat must be a number of sessions (and every how many weeks)."),
    ]
    assert Session.objects.count() == 0


def test_a_calendly_style_file_imports_as_clients_then_sessions(cast, consultant, tmp_path) -> None:  # type: ignore[no-untyped-def]
    start = next_weekday(2, 14, NY).astimezone(dt.UTC)
    path = tmp_path / "calendly.csv"
    path.write_text(
        "Invitee Name,Invitee Email,Invitee Time Zone,Event Type Name,Start Time,End Time,uri,Host Email,Status\n"
        f"Zoe Z,zoe@example.test,Europe/Berlin,Lesson,{start:%Y-%m-%dT%H:%M:%S.000000Z},"
        f"{start + dt.timedelta(minutes=30):%Y-%m-%dT%H:%M:%S.000000Z},"
        "https://api.calendly.com/scheduled_events/AAAA,carla@acme.test,active\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import", "clients", str(path), "--org", cast.slug, stdout=out)
    call_command("import", "sessions", str(path), "--org", cast.slug, stdout=out)
    assert out.getvalue() == (
        "Imported clients: 1 created, 0 updated, 0 unchanged, 0 rejected.\n"
        "Imported sessions: 1 created, 0 updated, 0 unchanged, 0 rejected.\n"
    )
    session = Session.objects.get()
    assert (session.title, session.start, session.duration) == ("Lesson", start, dt.timedelta(minutes=30))
    assert [(c.name, c.timezone) for c in session.clients.all()] == [("Zoe Z", "Europe/Berlin")]
    assert ImportedRecord.objects.get().external_id == "https://api.calendly.com/scheduled_events/AAAA"


def test_a_session_imported_before_and_now_past_is_unchanged(cast, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    start = (timezone.now() - dt.timedelta(days=1)).replace(second=0, microsecond=0)
    make_session(consultant, lesson, title="Yesterday", start=start, end=start + dt.timedelta(hours=1))
    result = _preview(cast, f",Yesterday,Lesson,carla@acme.test,,{start.isoformat()},60,,")
    assert result.counts == {"create": 0, "update": 0, "skip": 1, "reject": 0}


def test_the_same_row_twice_without_an_id_is_a_clash(cast) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    row = f",Algebra,Lesson,carla@acme.test,,{local(monday)},,,"
    result = _preview(cast, row, row)
    when = f"{monday:%a} {monday.day} {monday:%b %Y} 15:00 {monday.tzname()}"
    assert _reasons(result) == [(3, f"Carla Consultant already has a session at {when} (line 2).")]


def test_a_session_moved_since_its_import_keeps_its_time(cast) -> None:  # type: ignore[no-untyped-def]
    monday = next_weekday(0, 15, NY)
    imports.run(
        cast,
        "sessions",
        table(HEAD, f"A1,Algebra,Lesson,carla@acme.test,,{local(monday)},,,"),
        None,
        actor=None,
    )
    moved = monday + dt.timedelta(hours=2)
    result = imports.run(
        cast,
        "sessions",
        table(HEAD, f"A1,Algebra,Lesson,carla@acme.test,,{local(moved)},,,"),
        None,
        actor=None,
    )
    assert result.counts == {"create": 0, "update": 0, "skip": 1, "reject": 0}
    assert Session.objects.get().start == monday.astimezone(dt.UTC)
    plan = imports.make_plan(
        cast,
        "sessions",
        table(HEAD, f"A1,Algebra,Lesson,carla@acme.test,,{local(moved)},,,"),
        imports.check_mapping("sessions", table(HEAD), None),
        actor=None,
    )
    assert plan.rows[0].reason == (
        "Already imported. Its time differs from the file's: times change in SessionDesk, where a move is checked."
    )


def test_a_date_and_a_time_column_in_the_rows_own_zone(cast, consultant) -> None:  # type: ignore[no-untyped-def]
    day = next_weekday(3, 9, "Asia/Tokyo")
    tbl = table(
        "Title;Session type;Tutor;Date;Time;Time zone;Clients",
        f"Kanji;Lesson;carla@acme.test;{day:%Y-%m-%d};09:30;Asia/Tokyo;stu@example.test, ann@example.test",
        sep=";",
    )
    result = imports.run(cast, "sessions", tbl, None, actor=None)
    assert result.counts["create"] == 1
    session = Session.objects.get()
    assert session.start == day.replace(minute=30).astimezone(dt.UTC)
    assert session.clients.count() == 2
