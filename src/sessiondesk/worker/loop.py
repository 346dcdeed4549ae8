"""The worker: a database loop that runs every registered job until asked to stop.

Each thread loops over the jobs (parallel jobs in every thread, the others in thread 0),
closes stale database connections between passes, and sleeps only when a pass found no work.
Thread 0 also writes the WorkerHeartbeat. Stopping lets each thread finish its current item.
An idle thread waits ``WORKER_POLL_SECONDS`` or until woken (``worker.wakeup``: a commit in this
process, or on PostgreSQL a NOTIFY from any process).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from sessiondesk.worker import wakeup
from sessiondesk.worker.identity import worker_name
from sessiondesk.worker.jobs import JOBS, Job
from sessiondesk.worker.models import WorkerHeartbeat

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0


class Worker:
    def __init__(self, concurrency: int = 1, once: bool = False, stop: threading.Event | None = None) -> None:
        self.concurrency = max(1, concurrency)
        self.once = once
        self.stop = stop or threading.Event()
        self._beat_at = 0.0

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
        try:
            while not self.stop.is_set():
                close_old_connections()
                done = sum(self._run(job) for job in jobs)
                if index == 0:
                    self._heartbeat()
                close_old_connections()
                if done == 0:
                    if self.once:
                        break
                    wakeup.wait(settings.WORKER_POLL_SECONDS)
        finally:
            connection.close()

    def _run(self, job: Job) -> int:
        if self.stop.is_set():
            return 0
        try:
            return job.run(job.limit)
        except Exception:
            # A job that fails as a whole is logged and tried again next pass, never crash-looping.
            log.exception("worker job %s failed", job.name)
            time.sleep(min(settings.WORKER_POLL_SECONDS, 1.0))
            return 0

    def _heartbeat(self) -> None:
        if time.monotonic() - self._beat_at < HEARTBEAT_SECONDS:
            return
        self._beat_at = time.monotonic()
        try:
            WorkerHeartbeat.objects.update_or_create(name=worker_name(), defaults={"seen_at": timezone.now()})
        except Exception:
            log.exception("worker heartbeat failed")


def run_in_thread(stop: threading.Event, concurrency: int = 1) -> threading.Thread:
    """Start a worker in a background thread of this process (as ``sessiondesk up`` does); set ``stop`` to end it."""
    thread = threading.Thread(
        target=Worker(concurrency=concurrency, stop=stop).run, name="sessiondesk-worker", daemon=True
    )
    thread.start()
    return thread
