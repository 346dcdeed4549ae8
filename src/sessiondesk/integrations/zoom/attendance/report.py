"""Worker job: read Zoom's participant report of each meeting that ended, and let it correct what
the webhooks said (``attendance.record.report``).

One call per meeting in the usual case: the report of the instance (by UUID, double-encoded when
Zoom requires it), up to 300 rows a page. Zoom answers 3001 until the report is ready; that is
tried again a few times, then the webhooks' account stands. A connection without the report scope
or an account on Zoom's free plan cannot read reports: said once, on the session's attendance.
"""

import datetime as dt
import logging
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessiondesk.attendance import record
from sessiondesk.attendance.matching import Seen
from sessiondesk.attendance.models import ReportState, SessionAttendance
from sessiondesk.integrations.zoom import calls
from sessiondesk.integrations.zoom.connection import zoom_app
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.models import ConnectionStatus, ZoomConnection
from sessiondesk.meetings.models import MeetingLink

log = logging.getLogger(__name__)

RETRY = dt.timedelta(minutes=5)
TRIES = 6
PAGE = 300
NO_SCOPE = "Attendance comes from live events only: the Zoom connection cannot read reports ({})."


def instance_path(uuid: str) -> str:
    """Zoom: a UUID that begins with "/" or contains "//" must be double-encoded in the path."""
    once = quote(uuid, safe="")
    return quote(once, safe="") if uuid.startswith("/") or "//" in uuid else once


def participants(call: calls.ZoomCall, meeting: str) -> list[dict[str, Any]]:
    """Every row of the report (one per stay), following next_page_token."""
    # Reference: https://developers.zoom.us/docs/api/accounts/#tag/reports/GET/report/meetings/{meetingId}/participants
    rows: list[dict[str, Any]] = []
    token = ""
    url = zoom_app.api_url(f"/report/meetings/{meeting}/participants")
    while True:
        params: dict[str, Any] = {"page_size": PAGE, "include_fields": "registrant_id"}
        if token:
            params["next_page_token"] = token
        body = call.send("reports.meeting_participants", "GET", url, params=params).json()
        # {"page_count": 1, "page_size": 300, "total_records": 3, "next_page_token": "",
        #  "participants": [{"id": "", "user_id": "16778240", "name": "Ann", "user_email": "ann@…",
        #   "join_time": "2026-12-01T15:02:10Z", "leave_time": "…", "duration": 1020,
        #   "registrant_id": "", "participant_user_id": "…", "status": "in_meeting"}]}
        rows.extend(p for p in body.get("participants") or [] if isinstance(p, dict))
        token = str(body.get("next_page_token") or "")
        if not token:
            return rows


def stays(rows: list[dict[str, Any]], host_id: str) -> list[record.Stay]:
    found = []
    for row in rows:
        joined, left = (
            parse_datetime(str(row.get("join_time") or "")),
            parse_datetime(str(row.get("leave_time") or "")),
        )
        if joined is None or left is None:
            continue
        zoom_user = str(row.get("id") or "")
        seen = Seen(
            participant=str(row.get("participant_user_id") or row.get("user_id") or row.get("name") or ""),
            name=str(row.get("name") or ""),
            email=str(row.get("user_email") or ""),
            registrant_id=str(row.get("registrant_id") or ""),
            is_host=bool(zoom_user) and zoom_user == host_id,
        )
        found.append(record.Stay(seen, joined, left))
    return found


def run_due(limit: int) -> int:
    now = timezone.now()
    due = list(
        SessionAttendance.objects.filter(report_state=ReportState.DUE, report_due_at__lte=now)
        .order_by("report_due_at")
        .values_list("session_id", "report_due_at")[:limit]
    )
    done = 0
    for session_id, due_at in due:
        # Claim: push the row forward first, so another worker skips it while we call Zoom.
        claimed = SessionAttendance.objects.filter(
            session_id=session_id, report_state=ReportState.DUE, report_due_at=due_at
        ).update(report_due_at=now + RETRY, report_attempts=F("report_attempts") + 1)
        if claimed:
            read(session_id)
            done += 1
    return done


def read(session_id: int) -> None:
    row = SessionAttendance.objects.select_related("session__org").get(session_id=session_id)
    session = row.session
    link = MeetingLink.objects.filter(session=session, provider="zoom").exclude(external_id="").first()
    host = (link.applied_payload or {}).get("host") if link is not None else None
    if link is None or not isinstance(host, dict):
        with transaction.atomic():
            record.report_missing(session, "The session has no Zoom meeting.", final=True)
        return
    connection = ZoomConnection.objects.filter(pk=int(host.get("connection") or 0)).first()
    if connection is None or connection.status == ConnectionStatus.REVOKED:
        with transaction.atomic():
            record.report_missing(session, "The Zoom connection that held the meeting is gone.", final=True)
        return
    call = calls.ZoomCall(
        connection, link=link, host=str(host.get("zoom_user_id", "")), account=host.get("account")
    )
    name = instance_path(row.instance_id) if row.instance_id else link.external_id
    try:
        rows = participants(call, name)
    except ZoomError as error:
        failed(row, error)
        return
    found = stays(rows, str(host.get("zoom_user_id", "")))
    with transaction.atomic():
        record.report(session, found, None, None)


def failed(row: SessionAttendance, error: ZoomError) -> None:
    session = row.session
    code = str(error.code)
    if error.status == 404 or code == "3001":
        # Not ready yet, or (never started) no such instance: try a few times, then believe it.
        final = row.report_attempts >= TRIES or row.started_at is None
        with transaction.atomic():
            record.report_missing(session, "Zoom has no report of this meeting.", final=final)
        return
    if code in ("4711", "200") or error.permanent:
        with transaction.atomic():
            record.report_missing(session, NO_SCOPE.format(error.message), final=True)
        return
    # Transient (5xx, timeout, 429): the claim already moved the row 5 minutes on; give up after a day's worth.
    log.info("zoom report of session %s: %s (will retry)", session.pk, error.message)
    if row.report_attempts >= TRIES * 48:
        with transaction.atomic():
            record.report_missing(session, f"Zoom's report could not be read: {error.message}", final=True)
