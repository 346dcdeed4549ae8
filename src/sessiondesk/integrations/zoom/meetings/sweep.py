"""The periodic comparison of upcoming sessions' Zoom meetings with Zoom, for webhooks that were lost.

One pass every ``ZOOM_SWEEP_SECONDS`` (any worker may run it; a compare-and-swap on the cursor
picks one) checks the next ``limit`` active links after where the last pass stopped, so a large
installation spreads its ``GET /meetings/{id}`` calls over time instead of bursting. A meeting
is marked missing only on Zoom's definite answer (404, code 3001), never on a transient error,
a refused token or a connection that needs reconnecting: those leave the link as it is.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sessiondesk.integrations.zoom import calls, client
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.meetings import events
from sessiondesk.integrations.zoom.models import (
    ConnectionKind,
    ConnectionStatus,
    SweepCursor,
    ZoomConnection,
)
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import SessionStatus

log = logging.getLogger(__name__)

CURSOR = "zoom-meetings"
HORIZON = dt.timedelta(days=30)
# 404 {"code": 3001, "message": "Meeting 85746065432 is not found or has expired."}
GONE = (404, "3001")


def interval() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ZOOM_SWEEP_SECONDS)


def run(limit: int) -> int:
    """Worker job: when a pass is due, check up to ``limit`` links; returns how many were checked."""
    now = timezone.now()
    SweepCursor.objects.get_or_create(name=CURSOR, defaults={"next_run_at": now})
    if not SweepCursor.objects.filter(name=CURSOR, next_run_at__lte=now).update(next_run_at=now + interval()):
        return 0
    after = SweepCursor.objects.get(name=CURSOR).last_link_id
    ids = list(candidates(now).filter(id__gt=after).order_by("id").values_list("id", flat=True)[:limit])
    # A short page means the end was reached: the next pass starts from the beginning again.
    SweepCursor.objects.filter(name=CURSOR).update(last_link_id=ids[-1] if len(ids) == limit else 0)
    for link_id in ids:
        check(link_id)
    return len(ids)


def candidates(now: dt.datetime):  # type: ignore[no-untyped-def]
    return MeetingLink.objects.filter(
        provider=events.PROVIDER,
        state=LinkState.ACTIVE,
        session__status=SessionStatus.SCHEDULED,
        session__start__gt=now,
        session__start__lte=now + HORIZON,
    ).exclude(external_id="")


def check(link_id: int) -> str:
    """Compare one link's meeting with Zoom; returns what was found (for logs and tests):
    "ok", "changed", "missing", or "skipped" (unknown: no usable connection or no definite answer)."""
    link = MeetingLink.objects.select_related("session__org", "session__consultant").get(pk=link_id)
    connection = connection_for(link)
    if connection is None:
        return "skipped"
    try:
        # In the account's pace like every call: the sweep shares the account's budget with the sync.
        meeting = client.get_meeting(calls.ZoomCall(connection, link=link), link.external_id)
    except ZoomError as exc:
        if (exc.status, exc.code) == GONE:
            return _gone(link.external_id)
        log.info("zoom sweep: link %s not checked: %s", link_id, exc)
        return "skipped"
    now = {"topic": meeting.topic, "start_time": meeting.start_time, "duration": meeting.duration}
    return _compare(link.external_id, now)


def _gone(meeting_id: str) -> str:
    with transaction.atomic():
        link = events.live_link(meeting_id)  # re-read under lock: it may have moved on meanwhile
        if link is None or link.state != LinkState.ACTIVE:
            return "skipped"
        events.meeting_gone(link, source="sweep")
    return "missing"


def _compare(meeting_id: str, now: dict[str, Any]) -> str:
    with transaction.atomic():
        link = events.live_link(meeting_id)
        if link is None or link.state != LinkState.ACTIVE:
            return "skipped"
        changed = events.meeting_changed(link, now, link.applied_payload or {}, source="sweep")
    return "changed" if changed else "ok"


def connection_for(link: MeetingLink) -> ZoomConnection | None:
    """The connection that holds the meeting (the Zoom provider names it in the applied payload);
    else, by DESIGN.md's host resolution, the organisation account or the host's personal one.
    None when none is usable: then nothing is asked, since another account's 3001 proves nothing."""
    host = (link.applied_payload or {}).get("host")
    if isinstance(host, dict) and host.get("connection"):
        return (
            ZoomConnection.objects.filter(pk=host["connection"], status=ConnectionStatus.ACTIVE)
            .select_related("member__user")
            .first()
        )
    session = link.session
    host_id = link.host_member_id or session.consultant_id
    usable = ZoomConnection.objects.filter(org_id=session.org_id, status=ConnectionStatus.ACTIVE)
    return (
        usable.filter(kind=ConnectionKind.ORGANIZATION).first()
        or usable.filter(Q(kind=ConnectionKind.PERSONAL) & Q(member_id=host_id)).first()
    )
