"""Recurring series on Zoom: each occurrence gets its own meeting within the rolling horizon, the
worker creates the later ones as time passes (an injected clock, not sleeps), and editing this and
the following occurrences updates exactly the meetings that exist. Also: quick edits settle into
one call."""

import datetime as dt
import zoneinfo

from django.utils import timezone

from sessiondesk.meetings.models import LinkState, MeetingLink, WaitReason
from sessiondesk.scheduling.actions import (
    FOLLOWING,
    SessionChanges,
    SessionDraft,
    reschedule_session,
    schedule_session,
    update_session,
)
from sessiondesk.scheduling.models import Provider, Session
from sessiondesk.scheduling.recurrence import Repeat
from tests.integrations.zoom.meeting_fixtures import (
    calls,
    clear_log,
    link_of,
    live_meetings,
    unpaced,  # noqa: F401
)
from tests.support.sessions import change, zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
DAY = dt.timedelta(days=1)


def book_series(consultant, lesson, count: int, first: dt.datetime) -> list[Session]:  # type: ignore[no-untyped-def]
    draft = SessionDraft(
        title="Weekly algebra",
        start=first,
        end=first + dt.timedelta(hours=1),
        session_type=lesson,
        consultant=consultant,
        is_online=True,
        provider=Provider.ZOOM,
    )
    session = schedule_session(consultant.org, draft, actor=consultant, repeat=Repeat(count=count))
    return list(Session.objects.filter(series_id=session.series_id).order_by("series_index"))


def states(sessions: list[Session]) -> list[str]:
    return [link_of(s).state for s in sessions]


def first_start() -> dt.datetime:
    return timezone.now().replace(second=0, microsecond=0) + 2 * DAY


def test_it_creates_meetings_only_for_the_occurrences_within_the_horizon(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    series = book_series(consultant, lesson, 10, first_start())  # weekly: days 2, 9, … 65 ahead
    now = timezone.now()
    assert run_worker_until_idle(now=now) == 10
    assert states(series) == [LinkState.ACTIVE] * 5 + [LinkState.WAITING] * 5
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)] * 5
    assert sorted(m.start_time for m in live_meetings(zoom)) == [s.start.timestamp() for s in series[:5]]
    waiting = link_of(series[5])  # starts in 37 days: its meeting comes 30 days before
    assert waiting.next_attempt_at == series[5].start - 30 * DAY
    assert (waiting.external_id, waiting.applied_version, waiting.attempts) == ("", 0, 0)
    assert waiting.waiting_for == WaitReason.HORIZON
    opens = (series[5].start - 30 * DAY).astimezone(zoneinfo.ZoneInfo("America/New_York"))  # the org's
    assert waiting.last_error == (
        "The meeting of this occurrence is created 30 days before it starts, "
        f"on {opens:%a} {opens.day} {opens:%b %Y}."
    )
    assert waiting.remedy == "Nothing to do: SessionDesk creates it by itself."


def test_it_extends_the_horizon_as_time_passes(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    series = book_series(consultant, lesson, 10, first_start())
    now = timezone.now()
    run_worker_until_idle(now=now)
    clear_log(zoom)
    assert run_worker_until_idle(now=now + 6 * DAY) == 0  # nothing has come within 30 days yet
    assert calls(zoom) == []
    assert run_worker_until_idle(now=now + 7 * DAY + dt.timedelta(seconds=1)) == 1
    assert states(series) == [LinkState.ACTIVE] * 6 + [LinkState.WAITING] * 4
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
    clear_log(zoom)
    assert run_worker_until_idle(now=now + 36 * DAY) == 4
    assert states(series) == [LinkState.ACTIVE] * 10
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)] * 4
    assert [link_of(s).waiting_for for s in series] == [""] * 10
    assert len(live_meetings(zoom)) == 10
    assert len({link_of(s).external_id for s in series}) == 10  # each occurrence its own meeting


def test_it_follows_the_horizon_setting(zoom, consultant, lesson, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEETING_HORIZON_DAYS = 10
    connect(zoom.http, consultant, CARLA)
    series = book_series(consultant, lesson, 4, first_start())  # days 2, 9, 16, 23
    run_worker_until_idle(now=timezone.now())
    assert states(series) == [LinkState.ACTIVE] * 2 + [LinkState.WAITING] * 2
    assert link_of(series[2]).next_attempt_at == series[2].start - 10 * DAY


def test_it_creates_the_first_occurrence_and_single_sessions_at_once_however_far_ahead(
    zoom, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    series = book_series(consultant, lesson, 2, first_start() + 90 * DAY)
    single = zoom_session(consultant, lesson, start=first_start() + 120 * DAY, end=first_start() + 120 * DAY + dt.timedelta(hours=1))  # fmt: skip
    run_worker_until_idle(now=timezone.now())
    assert states(series) == [LinkState.ACTIVE, LinkState.WAITING]
    assert link_of(single).state == LinkState.ACTIVE
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)] * 2


def test_it_updates_each_meeting_of_this_and_the_following_occurrences(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    start = first_start()  # once: a second reading may fall in the next minute
    series = book_series(consultant, lesson, 4, start)
    run_worker_until_idle(now=timezone.now())
    before = {s.pk: link_of(s).external_id for s in series}
    clear_log(zoom)
    reschedule_session(
        series[1], start=series[1].start + dt.timedelta(hours=2), actor=consultant, scope=FOLLOWING
    )
    assert run_worker_until_idle() == 3
    patched = sorted(path for method, path, status in calls(zoom) if (method, status) == ("PATCH", 204))
    assert patched == sorted(f"/v2/meetings/{before[s.pk]}" for s in series[1:])
    assert len(calls(zoom)) == 3
    meetings = {str(m.id): m for m in live_meetings(zoom)}
    for session in series:
        session.refresh_from_db()
        assert link_of(session).external_id == before[session.pk]  # same meetings, same links
        assert meetings[before[session.pk]].start_time == session.start.timestamp()
    assert series[0].start == start


def test_it_renames_existing_meetings_and_leaves_waiting_occurrences_to_the_horizon(
    zoom, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    series = book_series(consultant, lesson, 8, first_start())
    run_worker_until_idle(now=timezone.now())
    clear_log(zoom)
    update_session(series[3], SessionChanges(title="Weekly geometry"), actor=consultant, scope=FOLLOWING)
    now = timezone.now()
    assert run_worker_until_idle(now=now) == 5
    assert [(m, s) for m, _, s in calls(zoom)] == [("PATCH", 204)] * 2  # occurrences 3 and 4 exist
    assert states(series) == [LinkState.ACTIVE] * 5 + [LinkState.WAITING] * 3
    clear_log(zoom)
    run_worker_until_idle(now=now + 60 * DAY)
    topics = sorted(m.topic for m in live_meetings(zoom))
    assert topics == ["Weekly algebra"] * 3 + ["Weekly geometry"] * 5
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)] * 3


def test_it_makes_a_waiting_occurrence_moved_into_the_horizon_at_once(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    series = book_series(consultant, lesson, 6, first_start())
    run_worker_until_idle(now=timezone.now())
    assert link_of(series[5]).state == LinkState.WAITING
    reschedule_session(series[5], start=series[5].start - 20 * DAY, actor=consultant)
    clear_log(zoom)
    assert run_worker_until_idle(now=timezone.now()) == 1
    assert link_of(series[5]).state == LinkState.ACTIVE
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]


def test_it_turns_quick_edits_to_an_existing_meeting_into_one_call(
    zoom, consultant, lesson, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.MEETING_UPDATE_SETTLE_SECONDS = 2
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    assert run_worker_until_idle() == 1  # a new meeting is due at once
    clear_log(zoom)
    change(session, title="Algebra lesson 2")
    change(session, agenda="Chapter 4")
    change(session, title="Algebra, chapter 4")
    now = timezone.now()
    assert run_worker_until_idle(now=now) == 0  # the edits settle first
    assert link_of(session).next_attempt_at > now
    assert run_worker_until_idle(now=now + dt.timedelta(seconds=3)) == 1
    assert [(m, s) for m, _, s in calls(zoom)] == [("PATCH", 204)]
    [meeting] = live_meetings(zoom)
    assert (meeting.topic, meeting.agenda) == ("Algebra, chapter 4", "Chapter 4")
    link = link_of(session)
    assert (link.state, link.applied_version, link.desired_version) == (LinkState.ACTIVE, 4, 4)


def test_it_never_delays_a_first_meeting_for_the_settle_time(zoom, consultant, lesson, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEETING_UPDATE_SETTLE_SECONDS = 60
    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    change(session, title="Algebra lesson 2")  # edited before its meeting exists
    assert run_worker_until_idle() == 1
    assert MeetingLink.objects.get(session=session).state == LinkState.ACTIVE
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)]
