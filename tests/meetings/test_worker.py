import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session
from sessiondesk.worker import jobs
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
    from tests.meetings.conftest import make_session

    for i in range(8):
        make_session(consultant, lesson, title=f"S{i}", provider="zoom")
    Worker(concurrency=3, once=True).run()
    assert sorted(topic for _, topic in recorder.calls) == [f"S{i}" for i in range(8)]
    assert list(MeetingLink.objects.values_list("state", flat=True).distinct()) == ["active"]
