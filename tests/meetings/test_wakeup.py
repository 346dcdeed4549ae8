"""Idle workers wake at once when a change commits: in-process, and across processes on PostgreSQL."""

import logging
import threading
import time

import pytest
from django.db import connection, transaction

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.models import Session
from sessiondesk.worker import wakeup
from sessiondesk.worker.loop import run_in_thread
from tests.support.sessions import make_session

pytestmark = pytest.mark.django_db(transaction=True)


def waited(timeout: float) -> float:
    began = time.monotonic()
    wakeup.wait(timeout)
    return time.monotonic() - began


def settled(quiet: float = 0.5, tries: int = 20) -> None:
    """Wait until no wake-up has come for ``quiet`` seconds: a wake-up already on its way (a busy
    machine can deliver the listener's first one late, or a change committed just before) must not
    be taken for the one a test is waiting for."""
    for _ in range(tries):
        if waited(quiet) >= quiet:
            return
    raise AssertionError("wake-ups kept coming")


def test_it_wakes_a_waiting_worker_when_a_change_commits_in_this_process(consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    wakeup.wait(0)
    with transaction.atomic():
        make_session(consultant, lesson)
        assert waited(0.05) >= 0.05  # nothing before the commit
    assert waited(5) < 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's")
def test_it_wakes_another_process_through_notify_only_on_commit(consultant, lesson) -> None:  # type: ignore[no-untyped-def]
    stop = threading.Event()
    listener = wakeup.Listener(stop)
    listener.start()
    try:
        assert waited(5) < 5  # the listener wakes once when it starts listening
        settled()
        with transaction.atomic():
            wakeup.notify()
            assert waited(1.5) >= 1.5  # a NOTIFY is delivered on commit, not before
        assert waited(5) < 1.5
        settled()
        with transaction.atomic():
            wakeup.notify()
            transaction.set_rollback(True)
        assert waited(1.5) >= 1.5  # rolled back: no wake-up
    finally:
        stop.set()
        listener.thread.join(timeout=5)
    assert not listener.thread.is_alive()


def test_it_makes_a_meeting_soon_after_the_commit_without_waiting_for_the_poll(  # type: ignore[no-untyped-def]
    settings, consultant, lesson
) -> None:
    settings.WORKER_POLL_SECONDS = 30
    stop = threading.Event()
    thread = run_in_thread(stop)
    try:
        time.sleep(0.3)  # the worker has found nothing and waits for its 30 s poll
        session: Session = make_session(consultant, lesson)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and MeetingLink.objects.get(session=session).state != "active":
            time.sleep(0.02)
        assert MeetingLink.objects.get(session=session).state == "active"
    finally:
        stop.set()
        wakeup.wake()
        thread.join(timeout=5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's")
def test_a_listener_that_cannot_connect_says_so_once_and_once_when_it_listens_again(  # type: ignore[no-untyped-def]
    monkeypatch, caplog, settings
) -> None:
    import psycopg

    settings.WORKER_POLL_SECONDS = 0.5
    monkeypatch.setattr(wakeup, "RECONNECT_SECONDS", 0.01)
    connect, attempts = psycopg.connect, []

    def database_down_three_times(*args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(1)
        if len(attempts) <= 3:
            raise psycopg.OperationalError("connection refused")
        return connect(*args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", database_down_three_times)
    caplog.set_level(logging.INFO, logger="sessiondesk")
    stop = threading.Event()
    listener = wakeup.Listener(stop)
    wakeup.wait(0)
    listener.start()
    try:
        assert waited(5) < 5  # it wakes the worker once it listens
    finally:
        stop.set()
        listener.thread.join(timeout=5)
    assert len(attempts) == 4
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",
            "worker wake-up listener lost its connection (OperationalError: connection refused); the worker "
            "polls every 0.5 s and the listener reconnects every 0.01 s meanwhile",
        ),
        ("INFO", "worker wake-up listener is listening again"),
    ]
