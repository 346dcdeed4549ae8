import logging
import threading
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session
from sessiondesk.worker import jobs
from sessiondesk.worker.identity import worker_name
from sessiondesk.worker.loop import Worker, run_in_thread
from sessiondesk.worker.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_drains_due_links_and_exits_with_once(zoom_session: Session, session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    Worker(concurrency=2, once=True).run()
    assert sorted(MeetingLink.objects.values_list("state", flat=True)) == ["active", "active"]
    assert recorder.calls == [("create", "Algebra lesson")]


def test_it_writes_a_heartbeat(session: Session) -> None:
    Worker(once=True).run()
    assert WorkerHeartbeat.objects.count() == 1


class Clock:
    """Stands in for time.monotonic; the test's job moves it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


REFUSED = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: Connection refused'


def failing_for(runs: int, error: Callable[[], Exception], stop: threading.Event, clock: Clock) -> list[int]:
    """Register a job that raises ``error()`` on its first ``runs`` runs, each half a second apart,
    then succeeds twice and stops the worker. Returns how many heartbeats each run found."""
    heartbeats: list[int] = []

    def run(limit: int) -> int:
        heartbeats.append(WorkerHeartbeat.objects.count())
        clock.now += 0.5
        if len(heartbeats) <= runs:
            raise error()
        if len(heartbeats) == runs + 2:
            stop.set()
        return 0

    jobs.register("flaky", run)
    return heartbeats


@pytest.fixture
def worker_log(caplog: pytest.LogCaptureFixture, settings) -> Iterator[pytest.LogCaptureFixture]:  # type: ignore[no-untyped-def]
    settings.WORKER_POLL_SECONDS = 0.01
    caplog.set_level(logging.INFO, logger="sessiondesk")
    yield caplog
    jobs.unregister("flaky")


def lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, bool]]:
    return [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]


def test_a_database_outage_is_one_line_when_it_goes_and_one_when_it_is_back(
    worker_log, session: Session
) -> None:  # type: ignore[no-untyped-def]
    stop, clock = threading.Event(), Clock()
    heartbeats = failing_for(20, lambda: OperationalError(REFUSED), stop, clock)
    Worker(stop=stop, clock=clock).run()
    assert lines(worker_log) == [
        (
            "ERROR",
            f"database unreachable (OperationalError: {REFUSED}): the worker retries every 0.01 s and "
            "writes no heartbeat until it answers",
            False,
        ),
        ("WARNING", "database back after 10 s (20 failed job runs meanwhile): the worker carries on", False),
    ]
    assert heartbeats == [0] * 21 + [1]  # none while the database was away, one once it answered
    assert worker_log.records[0].worker == worker_name()


def test_a_lost_connection_counts_as_the_database_going_away(worker_log, session: Session) -> None:  # type: ignore[no-untyped-def]
    stop, clock = threading.Event(), Clock()
    failing_for(3, lambda: InterfaceError("connection already closed"), stop, clock)
    Worker(stop=stop, clock=clock).run()
    assert [line[:2] for line in lines(worker_log)] == [
        (
            "ERROR",
            "database unreachable (InterfaceError: connection already closed): the worker retries every "
            "0.01 s and writes no heartbeat until it answers",
        ),
        ("WARNING", "database back after 2 s (3 failed job runs meanwhile): the worker carries on"),
    ]


def test_a_job_failing_again_and_again_logs_its_traceback_once_and_a_line_when_it_recovers(  # type: ignore[no-untyped-def]
    worker_log, session: Session
) -> None:
    stop, clock = threading.Event(), Clock()
    heartbeats = failing_for(20, lambda: RuntimeError("boom"), stop, clock)
    Worker(stop=stop, clock=clock).run()
    assert lines(worker_log) == [
        (
            "ERROR",
            "worker job flaky failed (RuntimeError: boom); it runs again every pass, and one line follows "
            "when it succeeds",
            True,
        ),
        (
            "WARNING",
            "worker job flaky works again after 20 failed runs in 10 s (last: RuntimeError: boom)",
            False,
        ),
    ]
    assert worker_log.records[0].job == "flaky"
    assert heartbeats[1] == 1  # a job's own failure does not stop the heartbeat


def test_a_job_that_fails_differently_logs_each_new_failure(worker_log, session: Session) -> None:  # type: ignore[no-untyped-def]
    stop, clock = threading.Event(), Clock()
    errors = iter([RuntimeError("boom"), RuntimeError("boom"), KeyError("gone"), KeyError("gone")])
    failing_for(4, lambda: next(errors), stop, clock)
    Worker(stop=stop, clock=clock).run()
    assert [line[0::2] for line in lines(worker_log)] == [
        ("ERROR", True),
        ("ERROR", True),
        ("WARNING", False),
    ]
    assert [r.getMessage().split(";")[0] for r in worker_log.records] == [
        "worker job flaky failed (RuntimeError: boom)",
        "worker job flaky failed (KeyError: 'gone')",
        "worker job flaky works again after 4 failed runs in 2 s (last: KeyError: 'gone')",
    ]


def test_a_database_lost_while_a_link_is_worked_on_is_the_outage_line_alone(
    worker_log, zoom_session, recorder
) -> None:  # type: ignore[no-untyped-def]
    def database_gone(link, payload):  # type: ignore[no-untyped-def]
        raise OperationalError(REFUSED)

    recorder.create = database_gone
    Worker(once=True).run()
    assert [line[0::2] for line in lines(worker_log)] == [("ERROR", False)]
    assert worker_log.records[0].getMessage().startswith("database unreachable (OperationalError: ")
    link = MeetingLink.objects.get()
    # Not pushed forward as a failure of its own: its lease runs out and a pass takes it up again.
    assert (link.state, link.attempts, link.last_error, link.lease_owner != "") == ("pending", 0, "", True)


def test_it_survives_a_failing_job(session: Session) -> None:
    calls: list[int] = []

    def broken(limit: int) -> int:
        calls.append(limit)
        raise RuntimeError("boom")

    jobs.register("broken", broken, limit=3)
    try:
        Worker(once=True).run()
    finally:
        jobs.unregister("broken")
    assert calls == [3, 3]  # the pass that did work, then the idle pass that ends --once
    assert MeetingLink.objects.get().state == "active"


def test_it_pushes_a_row_that_raises_forward(zoom_session: Session, recorder) -> None:  # type: ignore[no-untyped-def]
    def explode(link, payload):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    recorder.create = explode
    Worker(once=True).run()
    link = MeetingLink.objects.get()
    assert (link.state, link.attempts, link.lease_owner) == ("pending", 1, "")
    assert link.last_error == "Internal error: RuntimeError('bug')"


def test_it_stops_a_thread_worker_when_asked(session: Session) -> None:
    stop = threading.Event()
    thread = run_in_thread(stop)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_it_runs_as_a_command(session: Session) -> None:
    call_command("worker", "--once", "--concurrency", "2")
    assert MeetingLink.objects.get().state == "active"


def test_it_refuses_zero_concurrency() -> None:
    with pytest.raises(CommandError, match=r"--concurrency must be at least 1\."):
        call_command("worker", "--once", "--concurrency", "0")


def test_it_creates_each_meeting_once_with_several_threads(consultant, lesson, recorder) -> None:  # type: ignore[no-untyped-def]
    from tests.support.sessions import make_session

    for i in range(8):
        make_session(consultant, lesson, title=f"S{i}", provider="zoom")
    Worker(concurrency=3, once=True).run()
    assert sorted(topic for _, topic in recorder.calls) == [f"S{i}" for i in range(8)]
    assert list(MeetingLink.objects.values_list("state", flat=True).distinct()) == ["active"]


@pytest.fixture
def quiet_job(settings) -> Iterator[Callable[[Callable[[int], int]], jobs.Job]]:  # type: ignore[no-untyped-def]
    settings.WORKER_POLL_SECONDS = 0.01

    def add(run: Callable[[int], int]) -> jobs.Job:
        jobs.JOBS["quiet"] = jobs.Job("quiet", run, busy_every=1.0)
        return jobs.JOBS["quiet"]

    yield add
    jobs.unregister("quiet")
    jobs.unregister("busy")


def test_a_job_that_found_nothing_looks_again_once_a_second_while_another_keeps_the_worker_busy(
    quiet_job, session: Session
) -> None:  # type: ignore[no-untyped-def]
    stop, clock = threading.Event(), Clock()
    busy_runs: list[float] = []
    quiet_runs: list[float] = []

    def busy(limit: int) -> int:
        clock.now += 0.4
        busy_runs.append(clock.now)
        if len(busy_runs) == 7:
            stop.set()
            return 0
        return 1

    jobs.register("busy", busy)
    quiet_job(lambda limit: quiet_runs.append(clock.now) or 0)
    Worker(stop=stop, clock=clock).run()
    assert len(busy_runs) == 7
    assert quiet_runs == [pytest.approx(100.4), pytest.approx(101.6)]


def test_a_job_that_found_work_runs_again_on_the_next_pass(quiet_job, session: Session) -> None:  # type: ignore[no-untyped-def]
    stop, clock = threading.Event(), Clock()
    runs: list[float] = []

    def importing(limit: int) -> int:
        runs.append(clock.now)
        if len(runs) == 5:
            stop.set()
        return 1 if len(runs) <= 3 else 0

    quiet_job(importing)
    Worker(stop=stop, clock=clock).run()
    assert runs == [100.0] * 5  # the clock stood still: every pass ran it
