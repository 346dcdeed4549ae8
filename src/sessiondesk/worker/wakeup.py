"""Wake idle workers at once when a change commits, so a meeting is made without waiting for a poll.

In one process (``sessiondesk up``, SQLite or not) ``wake()`` sets an event the worker threads wait
on. Across processes on PostgreSQL, ``notify()`` sends ``NOTIFY sessiondesk_work`` inside the
changing transaction (PostgreSQL delivers it on commit, and folds repeats within one transaction
into one), and each worker process keeps one connection that ``LISTEN``s and sets its event
(``Listener``). Polling every ``WORKER_POLL_SECONDS`` stays as the fallback: a lost connection or a
missed notification only delays work by one poll, it never loses it (the rows are the truth).
"""

import logging
import threading

from django.conf import settings
from django.db import connection

from sessiondesk.worker.failures import describe

log = logging.getLogger(__name__)

CHANNEL = "sessiondesk_work"
RECONNECT_SECONDS = 5.0

_event = threading.Event()


def wake() -> None:
    _event.set()


def wait(timeout: float) -> None:
    _event.wait(timeout)
    _event.clear()


def notify() -> None:
    """Tell worker processes there is new work once the current transaction commits (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"NOTIFY {CHANNEL}")


class Listener:
    """A thread holding its own PostgreSQL connection that LISTENs and wakes this process's workers."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.thread = threading.Thread(target=self.run, name="sessiondesk-listener", daemon=True)
        self.lost = False  # the connection failed and has not listened since: said once, not per retry

    @staticmethod
    def wanted() -> bool:
        return connection.vendor == "postgresql"

    def start(self) -> None:
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._listen()
            except Exception as error:
                if not self.lost:
                    log.warning(
                        "worker wake-up listener lost its connection (%s); the worker polls every %g s "
                        "and the listener reconnects every %g s meanwhile",
                        describe(error), settings.WORKER_POLL_SECONDS, RECONNECT_SECONDS,
                    )  # fmt: skip
                self.lost = True
                self.stop.wait(RECONNECT_SECONDS)

    def _listen(self) -> None:
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as listener:
            listener.execute(f"LISTEN {CHANNEL}")
            wake()  # anything committed while we were not listening
            if self.lost:
                log.info("worker wake-up listener is listening again")
                self.lost = False
            while not self.stop.is_set():
                for _ in listener.notifies(timeout=1.0):
                    wake()
