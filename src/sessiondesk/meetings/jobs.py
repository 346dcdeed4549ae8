"""The worker's job list. A job is a function ``run(limit) -> items done``; add one with register()."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[int], int]
    limit: int = 10
    # Parallel jobs run in every worker thread (their items are claimed atomically); others in one.
    parallel: bool = False


JOBS: dict[str, Job] = {}


def register(name: str, run: Callable[[int], int], *, limit: int = 10, parallel: bool = False) -> None:
    JOBS[name] = Job(name, run, limit, parallel)


def unregister(name: str) -> None:
    JOBS.pop(name, None)


def _send_emails(limit: int) -> int:
    try:
        from sessiondesk.notifications.sender import send_due
    except ImportError:  # the email sender is optional until it is installed
        return 0
    return send_due(limit)


def _meetings(limit: int) -> int:
    from sessiondesk.meetings.reconciler import reconcile_due
    from sessiondesk.meetings.worker import owner_name

    return reconcile_due(limit, owner_name())


register("meetings", _meetings, limit=1, parallel=True)
register("emails", _send_emails, limit=20)
