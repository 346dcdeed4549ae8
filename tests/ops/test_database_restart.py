"""After PostgreSQL restarts, everything that keeps a connection carries on at once: a web thread's
first request works, the worker's next pass does not fail, and the wake-up listener listens again.

A restart ends every connection to the server. Here each test ends the one connection the part
under test keeps (``pg_terminate_backend``, from the test's own connection), leaving the shared
server running. Runs only when the suite runs on PostgreSQL."""

import datetime as dt
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.db import connection, transaction
from django.utils import timezone
from waitress.server import create_server

from sessiondesk.accounts.models import Member
from sessiondesk.accounts.tokens import create_token
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Client, Session, SessionType
from sessiondesk.worker import wakeup
from sessiondesk.worker.loop import Worker
from sessiondesk.worker.models import WorkerHeartbeat
from sessiondesk.wsgi import application
from tests.scheduling.conftest import future
from tests.support.sessions import make_session

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ends PostgreSQL connections"),
    pytest.mark.django_db(transaction=True),
]

READY = {"status": "ok", "checks": {"database": "ok", "worker": "ok"}}


def other_connections() -> dict[int, str]:
    """This database's connections but the test's own, by server process, with their last statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return dict(cursor.fetchall())


def end(pid: int) -> None:
    """What a restart does to one connection, waiting (up to 5 s) until it is gone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        assert cursor.fetchone() == (True,)


def end_the_other_connection() -> None:
    [pid] = other_connections()
    end(pid)
    assert other_connections() == {}


def wait_until(done: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert done()


def waited(timeout: float) -> float:
    began = time.monotonic()
    wakeup.wait(timeout)
    return time.monotonic() - began


@pytest.fixture
def web(db: None) -> Iterator[httpx.Client]:
    """The app under waitress with one thread (``sessiondesk up`` has more): every request runs on
    the one connection that thread keeps between requests."""
    server: Any = create_server(application, host="127.0.0.1", port=0, threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.effective_port}", timeout=10) as http:
            yield http
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)
        for pid in other_connections():  # the web thread's connection outlives the thread
            end(pid)


@pytest.fixture
def live_worker(db: None) -> None:
    WorkerHeartbeat.objects.create(name="worker:1", seen_at=timezone.now())


def booking(staff: Member, consultant: Member, lesson: SessionType, student: Client) -> dict[str, Any]:
    start = future(3, 10)
    _, token = create_token(staff, "restart drill")
    return {
        "url": "/api/v1/sessions/",
        "headers": {"Authorization": f"Bearer {token}"},
        "json": {
            "title": "Algebra",
            "session_type": lesson.pk,
            "consultant": consultant.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=1)).isoformat(),
            "clients": [student.pk],
            "provider": "custom",
            "custom_meeting_url": "https://meet.example/algebra",
        },
    }


def test_it_answers_the_first_requests_after_a_restart(  # type: ignore[no-untyped-def]
    web, live_worker, staff, consultant, lesson, student
) -> None:
    book = booking(staff, consultant, lesson, student)
    assert web.get("/readyz").json() == READY

    end_the_other_connection()
    response = web.get("/readyz")
    assert (response.status_code, response.json()) == (200, READY)

    end_the_other_connection()
    response = web.post(**book)
    assert response.status_code == 201
    assert Session.objects.get().pk == response.json()["id"]


def test_it_answers_in_words_while_the_database_is_down_then_as_usual(  # type: ignore[no-untyped-def]
    web, live_worker, monkeypatch, staff, consultant, lesson, student
) -> None:
    book = booking(staff, consultant, lesson, student)
    assert web.get("/readyz").json() == READY
    with socket.socket() as refusing:
        refusing.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        # Down: its connection is ended and new ones are refused (every thread connects with these settings).
        monkeypatch.setitem(connection.settings_dict, "PORT", refusing.getsockname()[1])
        end_the_other_connection()
        response = web.get("/readyz")
        assert (response.status_code, response.json()) == (
            503,
            {
                "status": "unavailable",
                "checks": {
                    "database": "database unreachable: OperationalError",
                    "worker": "unknown: the database is unreachable",
                },
            },
        )
        response = web.post(**book)
        assert (response.status_code, response.json()) == (
            500,
            {"detail": "Something went wrong on our side; the change was not saved.", "field": None},
        )
        monkeypatch.undo()
    assert Session.objects.count() == 0
    response = web.get("/readyz")
    assert (response.status_code, response.json()) == (200, READY)
    response = web.post(**book)
    assert response.status_code == 201
    assert Session.objects.get().pk == response.json()["id"]


def test_the_worker_runs_its_next_pass_without_a_failure_after_a_restart(  # type: ignore[no-untyped-def]
    settings, caplog, consultant, lesson
) -> None:
    settings.WORKER_POLL_SECONDS = 30
    wakeup.wait(0)
    stop = threading.Event()
    # The loop alone: the wake-up listener would keep a second connection (its own test is below).
    thread = threading.Thread(target=Worker(stop=stop).loop, args=(0,), daemon=True)
    thread.start()
    try:
        wait_until(WorkerHeartbeat.objects.exists)  # its first pass is done: it waits for work
        end_the_other_connection()
        session = make_session(consultant, lesson)  # the commit wakes the worker
        wait_until(lambda: MeetingLink.objects.get(session=session).state == "active")
    finally:
        stop.set()
        wakeup.wake()
        thread.join(timeout=5)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_the_wake_up_listener_listens_again_after_a_restart(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(wakeup, "RECONNECT_SECONDS", 0.2)
    stop = threading.Event()
    listener = wakeup.Listener(stop)
    listener.start()
    try:
        assert waited(5) < 5  # listening
        assert list(other_connections().values()) == [f"LISTEN {wakeup.CHANNEL}"]
        end_the_other_connection()
        assert waited(5) < 5  # listening again: it wakes for anything committed meanwhile
        with transaction.atomic():
            wakeup.notify()
        assert waited(5) < 1.5
    finally:
        stop.set()
        listener.thread.join(timeout=5)
    assert not listener.thread.is_alive()
