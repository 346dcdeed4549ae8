"""The worker's jobs run inline: pass after pass until a pass finds nothing due, or one pass for the
tests that look between two passes."""

import datetime as dt

from sessiondesk.meetings.reconciler import reconcile_due
from sessiondesk.worker.jobs import JOBS

OWNER = "test-worker"
LINKS_PER_PASS = 50
MOST_PASSES = 100


def run_worker_until_idle(job: str = "meetings", *, now: dt.datetime | None = None) -> int:
    """Run ``job`` from the worker's table until a pass does nothing, as ``worker --once`` does;
    returns how many items it handled (links reconciled, emails sent)."""
    done = 0
    for _ in range(MOST_PASSES):
        handled = run_worker_pass(job, now=now)
        if not handled:
            return done
        done += handled
    raise AssertionError(f"the {job} job still had work after {MOST_PASSES} passes")


def run_worker_pass(job: str = "meetings", *, now: dt.datetime | None = None) -> int:
    """One pass of ``job``; returns how many items it handled. ``now`` stands in for the clock of
    the meetings job (the horizon tests move time with it)."""
    if job == "meetings":
        return reconcile_due(LINKS_PER_PASS, OWNER, now=now)
    assert now is None, f"the {job} job runs on the real clock"
    entry = JOBS[job]
    return entry.run(entry.limit)
