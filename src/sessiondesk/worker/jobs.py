"""Every job the worker runs, in one table. A job is a function ``run(limit) -> items done``.

Jobs are named by their dotted path and imported on first use, so this table names integrations
without the worker importing them at start (and without an import cycle through the core).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.module_loading import import_string


@dataclass
class Job:
    name: str
    target: str | Callable[[int], int]
    limit: int = 10
    # Parallel jobs run in every worker thread (their items are claimed atomically); others in one.
    parallel: bool = False
    # Housekeeping jobs run at most once per this many seconds (0: every pass).
    every: float = 0
    # A job that found nothing last time, while other jobs keep the worker busy (its last pass
    # found work, so the next one starts at once): looks again at most once per this many seconds.
    # An idle worker runs it on every pass (every WORKER_POLL_SECONDS, or at once when woken), and
    # one that found work runs again on the next pass. 0: every pass.
    busy_every: float = 0
    next_at: float = 0
    busy_next_at: float = 0
    found: bool = True  # the last run did something (or failed, and is tried again next pass)

    @property
    def spaced(self) -> bool:
        return bool(self.every or self.busy_every)

    def due(self, now: float, busy: bool = False) -> bool:
        if now < self.next_at or (busy and not self.found and now < self.busy_next_at):
            return False
        self.next_at = now + self.every
        self.busy_next_at = now + self.busy_every
        return True

    @cached_property
    def run(self) -> Callable[[int], int]:
        return import_string(self.target) if isinstance(self.target, str) else self.target


# While meetings are being made back to back, the jobs nobody waits for within a second look for
# work once a second instead of on every pass: each look is a query or two, and at a create every
# few hundred milliseconds they weighed on each meeting.
BACKGROUND = 1.0

TABLE = (
    Job("meetings", "sessiondesk.meetings.reconciler.run_due", limit=1, parallel=True),
    Job("emails", "sessiondesk.notifications.sender.send_due", limit=20),
    Job("imports", "sessiondesk.transfer.runs.run_due", limit=1, busy_every=BACKGROUND),
    Job(
        "zoom-token-refresh",
        "sessiondesk.integrations.zoom.connection.tokens.refresh_ahead",
        limit=10,
        busy_every=BACKGROUND,
    ),
    Job(
        "zoom-reconnect-reminders",
        "sessiondesk.integrations.zoom.connection.reconnect.send_reminders",
        limit=20,
        busy_every=BACKGROUND,
    ),
    Job("zoom-webhooks", "sessiondesk.integrations.zoom.webhooks.receive.process_due", limit=20),
    Job("attendance-deadlines", "sessiondesk.attendance.deadlines.run", limit=20, every=30),
    Job(
        "zoom-attendance-reports",
        "sessiondesk.integrations.zoom.attendance.report.run_due",
        limit=10,
        busy_every=BACKGROUND,
    ),
    Job(
        "zoom-meeting-sweep",
        "sessiondesk.integrations.zoom.meetings.sweep.run",
        limit=20,
        busy_every=BACKGROUND,
    ),
    Job(
        "zoom-directory-sync",
        "sessiondesk.integrations.zoom.directory.sync.run_due",
        limit=1,
        busy_every=BACKGROUND,
    ),
    Job(
        "zoom-directory-queue",
        "sessiondesk.integrations.zoom.directory.queue.apply_due",
        limit=20,
        busy_every=BACKGROUND,
    ),
    # Housekeeping: logs past their retention (docs/security.md, "What is kept and for how long").
    Job("call-log-retention", "sessiondesk.meetings.retention.run", limit=4, every=3600),
    Job("zoom-event-retention", "sessiondesk.integrations.zoom.webhooks.retention.run", limit=4, every=3600),
    Job("rate-limit-retention", "sessiondesk.security.ratelimit.forget_stale", limit=10, every=3600),
)

JOBS: dict[str, Job] = {job.name: job for job in TABLE}


def register(
    name: str, run: Callable[[int], int], *, limit: int = 10, parallel: bool = False, every: float = 0
) -> None:
    """Add a job at runtime (tests, plug-ins); the table above is where SessionDesk's own jobs live."""
    JOBS[name] = Job(name, run, limit, parallel, every)


def unregister(name: str) -> None:
    JOBS.pop(name, None)
