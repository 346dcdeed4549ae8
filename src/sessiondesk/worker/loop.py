"""The worker: a database loop that runs every registered job until asked to stop.

Each thread loops over the jobs (parallel jobs in every thread, the others in thread 0),
closes stale database connections between passes, and sleeps only when a pass found no work.
Thread 0 also writes the WorkerHeartbeat, after a pass in which the database answered every job:
a worker that cannot reach it stops reporting, which is what /readyz shows. Stopping lets each
thread finish its current item. An idle thread waits ``WORKER_POLL_SECONDS`` or until woken
(``worker.wakeup``: a commit in this process, or on PostgreSQL a NOTIFY from any process); a
pass in which a job failed is followed by a short pause, so a failing job never spins.
Failures reach the log through ``worker.failures``: an outage is one line when the database goes
away and one when it is back, and a job failing the same way again and again is one line and one
when it recovers.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from sessiondesk.worker import wakeup
from sessiondesk.worker.failures import DATABASE_GONE, Failures
from sessiondesk.worker.identity import worker_name
from sessiondesk.worker.jobs import JOBS, Job
from sessiondesk.worker.models import WorkerHeartbeat

HEARTBEAT_SECONDS = 1.0


@dataclass
class Pass:
    """What one pass over the jobs came to."""

    done: int = 0
    failed: bool = False
    database_gone: bool = False


class Worker:
    def __init__(
        self,
        concurrency: int = 1,
        once: bool = False,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``clock`` stands in for time.monotonic (tests of an outage move it)."""
        self.concurrency = max(1, concurrency)
        self.once = once
        self.stop = stop or threading.Event()
        self.pause = min(settings.WORKER_POLL_SECONDS, 1.0)  # after a pass in which a job failed
        self.clock = clock
        self.failures = Failures(worker_name(), self.pause, clock)
        self._beat_at: float | None = None

    def run(self) -> None:
        if not self.once and wakeup.Listener.wanted():
            wakeup.Listener(self.stop).start()  # commits in other processes wake this one at once
        threads = [
            threading.Thread(target=self.loop, args=(i,), name=f"worker-{i}", daemon=True)
            for i in range(1, self.concurrency)
        ]
        for thread in threads:
            thread.start()
        self.loop(0)
        for thread in threads:
            thread.join()

    def loop(self, index: int) -> None:
        jobs = [job for job in JOBS.values() if job.parallel or index == 0]
        busy = False  # the last pass found work: this one follows at once (``Job.busy_every``)
        try:
            while not self.stop.is_set():
                close_old_connections()
                outcome = Pass()
                for job in jobs:
                    self._run(job, outcome, busy)
                if index == 0 and not outcome.database_gone:
                    self._heartbeat(outcome)
                close_old_connections()
                if not outcome.database_gone and not self.stop.is_set():
                    self.failures.database_answered()
                if outcome.done == 0 and self.once:
                    break
                busy = outcome.done > 0 and not outcome.failed and not self.once
                if outcome.failed:
                    self.stop.wait(self.pause)
                elif outcome.done == 0:
                    wakeup.wait(settings.WORKER_POLL_SECONDS)
        finally:
            connection.close()

    def _run(self, job: Job, outcome: Pass, busy: bool = False) -> None:
        # A job that fails as a whole is tried again next pass, never crash-looping.
        if self.stop.is_set() or (job.spaced and not job.due(self.clock(), busy)):
            return
        job.found = True
        try:
            done = job.run(job.limit)
        except DATABASE_GONE as error:
            outcome.failed = outcome.database_gone = True
            self.failures.database_lost(error)
        except Exception as error:
            outcome.failed = True
            self.failures.job_failed(job.name, error)
        else:
            outcome.done += done
            job.found = done > 0
            self.failures.job_succeeded(job.name)

    def _heartbeat(self, outcome: Pass) -> None:
        if self._beat_at is not None and self.clock() - self._beat_at < HEARTBEAT_SECONDS:
            return
        self._beat_at = self.clock()
        self._run(Job("heartbeat", _beat), outcome)


def _beat(limit: int) -> int:
    WorkerHeartbeat.objects.update_or_create(name=worker_name(), defaults={"seen_at": timezone.now()})
    return 0


def run_in_thread(stop: threading.Event, concurrency: int = 1) -> threading.Thread:
    """Start a worker in a background thread of this process (as ``sessiondesk up`` does); set ``stop`` to end it."""
    thread = threading.Thread(
        target=Worker(concurrency=concurrency, stop=stop).run, name="sessiondesk-worker", daemon=True
    )
    thread.start()
    return thread
