"""The full directory sync: roles, groups, then users of every status, 300 a page; written in one
transaction once everything is read, so the page never shows half a directory.

Zoom lists each user with ``role_id`` and ``group_ids``, so memberships need no extra calls: a sync
makes 2 calls for roles and groups plus ceil(n / 300) per user status.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member, Organization
from sessiondesk.integrations.zoom import calls
from sessiondesk.integrations.zoom.directory import client, links, permissions, queue, sync_write
from sessiondesk.integrations.zoom.directory.models import DirectorySync, DirectoryUser, SyncState
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection
from sessiondesk.meetings import desired
from sessiondesk.scheduling.models import Provider, Session, SessionStatus
from sessiondesk.worker import wakeup

log = logging.getLogger(__name__)

STALE = dt.timedelta(minutes=15)  # a run silent this long died with its worker; another may start
RETRY_FAILED = dt.timedelta(minutes=15)
MAX_RATE_LIMIT_RETRIES = 5


@dataclass
class Fetched:
    roles: list[dict[str, str]] = field(default_factory=list)
    groups: list[dict[str, str]] = field(default_factory=list)
    users: list[client.ZoomUserRow] = field(default_factory=list)
    list_calls: int = 0


def request(actor: Member) -> DirectorySync:
    """An admin asks for a sync now; the worker picks it up at once."""
    with transaction.atomic():
        state, _ = DirectorySync.objects.get_or_create(org=actor.org)
        now = timezone.now()
        state.requested_at = now
        state.next_run_at = now
        state.save(update_fields=["requested_at", "next_run_at"])
        audit.record(actor.org, actor, "zoom_directory.sync_requested", None)
        transaction.on_commit(wakeup.wake)
    return state


def run_due(limit: int) -> int:
    """Worker job: sync each organisation whose directory is due (new connections are due at once)."""
    done = 0
    now = timezone.now()
    for connection in ZoomConnection.objects.filter(
        kind=ConnectionKind.ORGANIZATION, status=ConnectionStatus.ACTIVE
    ).select_related("org"):
        state, _ = DirectorySync.objects.get_or_create(org=connection.org, defaults={"next_run_at": now})
        if state.next_run_at > now or done >= limit:
            continue
        if run(connection.org) is not None:
            done += 1
    return done


def _claim(org: Organization) -> bool:
    now = timezone.now()
    DirectorySync.objects.get_or_create(org=org)
    claimed = (
        DirectorySync.objects.filter(org=org)
        .filter(~Q(state=SyncState.RUNNING) | Q(started_at__lt=now - STALE))
        .update(
            state=SyncState.RUNNING,
            started_at=now,
            phase="Starting",
            users_done=0,
            users_total=0,
            list_calls=0,
            last_error="",
        )
    )
    return claimed == 1


def _progress(org: Organization, **fields: Any) -> None:
    DirectorySync.objects.filter(org=org).update(**fields)


def run(org: Organization) -> DirectorySync | None:
    """Sync now; None when another run holds the organisation or no account is connected."""
    connection = permissions.connection_of(org)
    if connection is None or not _claim(org):
        return None
    try:
        fetched = fetch(connection, org)
        known = set(DirectoryUser.objects.filter(org=org).values_list("email", flat=True))
        rows = sync_write.write(org, connection.zoom_account_id, fetched.roles, fetched.groups, fetched.users)
    except ZoomError as exc:
        message = exc.message
        log.warning("zoom directory sync of org %s failed: %s", org.pk, message)
        _progress(
            org,
            state=SyncState.FAILED,
            finished_at=timezone.now(),
            phase="",
            last_error=f"Zoom did not answer the directory sync: {message}"[:1000],
            next_run_at=timezone.now() + RETRY_FAILED,
        )
        return DirectorySync.objects.get(org=org)
    now = timezone.now()
    _progress(
        org,
        state=SyncState.IDLE,
        finished_at=now,
        phase="",
        list_calls=fetched.list_calls,
        rows_written=rows,
        requested_at=None,
        next_run_at=now + dt.timedelta(minutes=settings.ZOOM_DIRECTORY_SYNC_MINUTES),
    )
    links.match_by_email(org.pk, {u.email for u in fetched.users} - known)
    # Meetings that waited for a Zoom account go ahead now that the consultants are linked to their
    # own Zoom users, so none is made in the connecting admin's account instead.
    with transaction.atomic():
        waiting = Session.objects.filter(org=org, status=SessionStatus.SCHEDULED, end__gt=now)
        desired.resume_awaiting_connection(Provider.ZOOM, waiting)
    queue.apply_due(50, org=org)  # users who became active may have changes waiting
    return DirectorySync.objects.get(org=org)


def _call[T](fn: Callable[[], T]) -> T:
    """One list call (paced by its ZoomCall); a 429 waits as long as Zoom says, a few times."""
    for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
        try:
            return fn()
        except ZoomError as exc:
            if exc.status != 429 or attempt == MAX_RATE_LIMIT_RETRIES:
                raise
            time.sleep(exc.retry_after if exc.retry_after is not None else 1.0)
    raise AssertionError("unreachable")


def fetch(connection: ZoomConnection, org: Organization) -> Fetched:
    call = calls.ZoomCall(connection)
    fetched = Fetched()
    _progress(org, phase="Reading roles and groups")
    fetched.roles = _call(lambda: client.list_roles(call))
    fetched.groups = _call(lambda: _groups(call))
    fetched.list_calls = 2
    totals: dict[str, int] = {}
    for status in client.STATUSES:
        page_token = ""
        while True:
            page = _call(partial(client.list_users_page, call, status, page_token))
            fetched.list_calls += 1
            fetched.users += page.users
            totals[status] = page.total_records
            _progress(
                org,
                phase=f"Reading {status} users",
                users_done=len(fetched.users),
                users_total=sum(totals.values()),
                list_calls=fetched.list_calls,
            )
            page_token = page.next_page_token
            if not page_token:
                break
    return fetched


def _groups(call: calls.ZoomCall) -> list[dict[str, str]]:
    try:
        return client.list_groups(call)
    except ZoomError as exc:
        # Free accounts have no groups: 400 {"code": 200, "message": "Only available for paid accounts."}
        if exc.code == "200" and "paid" in exc.message.lower():
            return []
        raise
