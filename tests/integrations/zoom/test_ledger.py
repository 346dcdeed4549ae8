"""Zoom's 100 meeting create/update calls per host per UTC day, and pacing per Zoom account."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from sessiondesk.integrations.zoom.meetings import ledger, pacing
from sessiondesk.integrations.zoom.models import HostDailyLedger
from sessiondesk.meetings.models import LinkState, WaitReason
from tests.integrations.zoom.meeting_fixtures import calls, link_of, live_meetings, unpaced  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.worker import run_worker_until_idle
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
NOON = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def test_it_spends_a_hosts_day_once_and_starts_again_at_midnight_utc(db) -> None:  # type: ignore[no-untyped-def]
    assert [ledger.take("zu-1", NOON) for _ in range(101)] == [True] * 100 + [False]
    assert ledger.take("zu-2", NOON) is True
    assert ledger.take("zu-1", dt.datetime(2026, 11, 23, 0, 0, tzinfo=dt.UTC)) is True
    assert list(HostDailyLedger.objects.order_by("zoom_user_id", "day").values_list("zoom_user_id", "used")) == [
        ("zu-1", 100), ("zu-1", 1), ("zu-2", 1),
    ]  # fmt: skip


def test_it_counts_midnight_in_utc_not_the_organisations_zone(db) -> None:  # type: ignore[no-untyped-def]
    late_in_new_york = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert ledger.today(late_in_new_york) == dt.date(2026, 11, 23)
    assert ledger.seconds_until_midnight(NOON) == 12 * 3600


def test_work_beyond_the_limit_waits_until_midnight_without_calling_zoom(
    zoom, consultant, lesson, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_DAILY_MEETING_LIMIT = 2
    connect(zoom.http, consultant, CARLA)
    sessions = [zoom_session(consultant, lesson, title=f"Lesson {i}") for i in range(3)]
    assert run_worker_until_idle() == 3
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 201)] * 2
    assert len(live_meetings(zoom)) == 2
    waiting = link_of(sessions[2])
    assert (waiting.state, waiting.last_error) == (
        LinkState.WAITING,
        "Zoom daily limit reached, continues at 00:00 UTC",
    )
    assert (waiting.external_id, waiting.attempts, waiting.waiting_for) == ("", 0, WaitReason.LIMIT)
    midnight = dt.datetime.combine(
        dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
    )
    assert midnight <= waiting.next_attempt_at <= midnight + dt.timedelta(seconds=2)


def test_zooms_own_daily_limit_answer_makes_the_link_wait_and_fills_the_ledger(
    zoom, consultant, lesson
) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    assert zoom.http.put("/_emulator/ratelimits", json={"daily_meeting_limit": 0}).status_code == 200
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    assert calls(zoom) == [("POST", "/v2/users/me/meetings", 429)]
    link = link_of(session)
    assert (link.state, link.last_error) == (
        LinkState.WAITING,
        "Zoom daily limit reached, continues at 00:00 UTC",
    )
    assert link.waiting_for == WaitReason.LIMIT
    assert HostDailyLedger.objects.get(zoom_user_id=connection.zoom_user_id).used == 100


def test_a_per_second_429_is_retried_and_not_charged_to_the_host(zoom, consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    connection = connect(zoom.http, consultant, CARLA)
    spec = {"kind": "rate_limit", "path": "/v2/users/*/meetings", "methods": ["POST"], "count": 1}
    assert zoom.http.post("/_emulator/faults", json=spec).status_code == 201
    session = zoom_session(consultant, lesson)
    run_worker_until_idle()
    link = link_of(session)
    assert (link.state, link.attempts) == (LinkState.PENDING, 1)
    assert HostDailyLedger.objects.get(zoom_user_id=connection.zoom_user_id).used == 0
    assert live_meetings(zoom) == []


def test_calls_to_one_account_are_spaced_by_the_configured_rate(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 4
    frozen = timezone.now()
    waits = [pacing.reserve("acct-1", clock=lambda: frozen) for _ in range(3)]
    other = pacing.reserve("acct-2", clock=lambda: frozen)
    # Each reservation is a quarter second after the previous one; another account is not held up.
    assert waits == [0.0, 0.25, 0.5]
    assert other == 0.0
    # Once the clock has passed the reserved slots, the next call goes at once.
    assert pacing.reserve("acct-1", clock=lambda: frozen + dt.timedelta(seconds=2)) == 0.0


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_spend_more_than_the_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_DAILY_MEETING_LIMIT = 5
    results: list[bool] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        try:
            results.extend(ledger.take("zu-busy", NOON) for _ in range(2))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (results.count(True), results.count(False)) == (5, 11)
    assert HostDailyLedger.objects.get(zoom_user_id="zu-busy").used == 5
