"""Imports started on the page run in the worker (the ``imports`` job): a run is claimed with a
compare-and-swap on its state and a lease, applied batch by batch with its progress written after
each batch, and its result kept for the result page. A worker that dies mid-run leaves the lease to
expire; the next claim runs the file again, and the rows already imported are skipped."""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sessiondesk.transfer import imports
from sessiondesk.transfer.csvfile import read
from sessiondesk.transfer.errors import TransferError
from sessiondesk.transfer.models import ImportRun, RunState
from sessiondesk.worker import wakeup
from sessiondesk.worker.identity import worker_name
from sessiondesk.worker.models import WorkerHeartbeat

log = logging.getLogger(__name__)

# Renewed after each batch (a batch takes seconds), so a run whose worker died is taken again soon.
LEASE = dt.timedelta(minutes=5)


def start(run: ImportRun) -> bool:
    """Queue an uploaded run for the worker; False when it was queued already."""
    with transaction.atomic():
        queued = ImportRun.objects.filter(pk=run.pk, state=RunState.UPLOADED).update(state=RunState.QUEUED)
        if queued:
            wakeup.notify()
            transaction.on_commit(wakeup.wake)
    return bool(queued)


def _claim() -> ImportRun | None:
    now = timezone.now()
    due = Q(state=RunState.QUEUED) | Q(state=RunState.RUNNING, lease_until__lt=now)
    for pk in ImportRun.objects.filter(due).order_by("created_at").values_list("pk", flat=True)[:5]:
        won = ImportRun.objects.filter(due, pk=pk).update(state=RunState.RUNNING, lease_until=now + LEASE)
        if won:
            return ImportRun.objects.select_related("org", "created_by__user").get(pk=pk)
    return None


def run_due(limit: int) -> int:
    """Worker job: run up to ``limit`` queued imports, one after the other."""
    done = 0
    while done < limit:
        run = _claim()
        if run is None:
            break
        execute(run)
        done += 1
    return done


def execute(run: ImportRun) -> None:
    try:
        table = read(run.content.encode())
    except TransferError as error:
        _finish(run, RunState.FAILED, None, error.message)
        return
    actor = run.created_by if run.created_by is not None and run.created_by.is_active else None
    ImportRun.objects.filter(pk=run.pk).update(total=len(table.rows), done=0)

    def progress(done: int, total: int) -> None:
        now = timezone.now()
        ImportRun.objects.filter(pk=run.pk).update(done=done, lease_until=now + LEASE)
        # The loop writes the heartbeat between passes; a long import keeps it fresh meanwhile.
        WorkerHeartbeat.objects.update_or_create(name=worker_name(), defaults={"seen_at": now})

    try:
        result = imports.run(
            run.org,
            run.kind,
            table,
            run.mapping,
            actor=actor,
            invite=run.invite,
            filename=run.filename,
            progress=progress,
        )
    except imports.ImportStopped as stopped:
        log.warning("import %s stopped: %s", run.pk, stopped.result.error)
        _finish(run, RunState.FAILED, stopped.result.as_dict(), stopped.result.error)
        return
    except TransferError as error:
        _finish(run, RunState.FAILED, None, error.message)
        return
    _finish(run, RunState.DONE, result.as_dict(), "")


def _finish(run: ImportRun, state: str, result: dict | None, error: str) -> None:
    """Keep the result; drop the file (its people's details are in SessionDesk now, or were refused)."""
    ImportRun.objects.filter(pk=run.pk).update(
        state=state, result=result, error=error, finished_at=timezone.now(), lease_until=None, content=""
    )
