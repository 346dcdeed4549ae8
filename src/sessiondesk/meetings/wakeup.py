"""An in-process nudge so an embedded worker thread reacts at once to a commit in this process.

Workers in other processes just poll (``WORKER_POLL_SECONDS``); this only shortens the wait.
"""

import threading

_event = threading.Event()


def wake() -> None:
    _event.set()


def wait(timeout: float) -> None:
    _event.wait(timeout)
    _event.clear()
