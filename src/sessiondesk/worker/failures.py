"""What a worker process tells its log when jobs fail, so an outage is two lines instead of a flood.

- The database going away (a job or the heartbeat raises OperationalError or InterfaceError) is one
  line, and its return (a pass in which every job and the heartbeat reached it) is one more.
- A job that fails for another reason is logged once with its traceback; while it keeps failing
  the same way it is only counted, and one line says when it works again. A different failure of
  the same job is logged again.

One instance is shared by a worker's threads (parallel jobs fail in each of them at once).
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError

log = logging.getLogger("sessiondesk.worker")

# What Django raises when the server is down, restarting or unreachable, or the connection was lost.
DATABASE_GONE = (OperationalError, InterfaceError)


def describe(error: BaseException) -> str:
    text = " ".join(str(error).split())  # psycopg's messages run over several lines
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@dataclass
class _Failing:
    what: str
    since: float
    runs: int = 1


class Failures:
    def __init__(
        self, worker: str, retry_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.worker = worker
        self.retry_seconds = retry_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._database: _Failing | None = None
        self._jobs: dict[str, _Failing] = {}

    def database_lost(self, error: BaseException) -> None:
        with self._lock:
            if self._database is not None:
                self._database.runs += 1
                return
            self._database = _Failing(describe(error), self.clock())
        log.error(
            "database unreachable (%s): the worker retries every %g s and writes no heartbeat until it answers",
            describe(error), self.retry_seconds, extra={"worker": self.worker},
        )  # fmt: skip

    def database_answered(self) -> None:
        with self._lock:
            gone, self._database = self._database, None
        if gone is not None:
            log.warning(
                "database back after %.0f s (%d failed job runs meanwhile): the worker carries on",
                self.clock() - gone.since, gone.runs, extra={"worker": self.worker},
            )  # fmt: skip

    def job_failed(self, job: str, error: BaseException) -> None:
        what = describe(error)
        with self._lock:
            failing = self._jobs.get(job)
            if failing is None:
                self._jobs[job] = _Failing(what, self.clock())
            else:
                failing.runs += 1
                if failing.what == what:
                    return
                failing.what = what
        log.error(
            "worker job %s failed (%s); it runs again every pass, and one line follows when it succeeds",
            job, what, exc_info=error, extra={"worker": self.worker, "job": job},
        )  # fmt: skip

    def job_succeeded(self, job: str) -> None:
        with self._lock:
            failing = self._jobs.pop(job, None)
        if failing is not None:
            log.warning(
                "worker job %s works again after %d failed runs in %.0f s (last: %s)",
                job, failing.runs, self.clock() - failing.since, failing.what,
                extra={"worker": self.worker, "job": job},
            )  # fmt: skip
