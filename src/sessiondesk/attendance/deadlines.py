"""Worker job: sessions whose time has passed without the provider saying everything.

A session nobody opened by its start plus the organisation's grace period did not take place
(provisionally: a late start still counts), and once it is over the provider's report is asked
for once, in case all of the meeting's events were lost. A meeting that started but whose end was
never heard of has its report read after the session's end plus the grace period.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sessiondesk.attendance import record
from sessiondesk.attendance.models import AttendancePolicy, ReportState, SessionAttendance
from sessiondesk.scheduling.models import Session, SessionStatus

# Only recent sessions are looked at: older ones were settled when they were recent.
HORIZON = dt.timedelta(days=2)


def report_delay() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ATTENDANCE_REPORT_DELAY_SECONDS)


def graces(org_ids: set[int]) -> dict[int, dt.timedelta]:
    found = dict(AttendancePolicy.objects.filter(org_id__in=org_ids).values_list("org_id", "grace_minutes"))
    default = AttendancePolicy._meta.get_field("grace_minutes").default
    return {org: dt.timedelta(minutes=found.get(org, default)) for org in org_ids}


def run(limit: int) -> int:
    now = timezone.now()
    return unopened(now, limit * 10) + unfinished(now, limit * 10)


def unopened(now: dt.datetime, limit: int) -> int:
    sessions = list(
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            is_online=True,
            start__lte=now,
            start__gte=now - HORIZON,
            attendance__isnull=True,
        )
        .filter(~Q(meeting_links__external_id=""), meeting_links__isnull=False)
        .select_related("org")
        .distinct()
        .order_by("start")[:limit]
    )
    grace = graces({s.org_id for s in sessions})
    done = 0
    for session in sessions:
        if now < session.start + grace[session.org_id]:
            continue
        with transaction.atomic():
            row = record.locked(session)
            if row.started_at is None and row.report_state == ReportState.NONE:
                row.report_state = ReportState.DUE
                row.report_due_at = max(session.end + grace[session.org_id], now) + report_delay()
                row.save()
                record.refresh(session, row, now)
                done += 1
    return done


def unfinished(now: dt.datetime, limit: int) -> int:
    rows = list(
        SessionAttendance.objects.filter(
            started_at__isnull=False,
            ended_at__isnull=True,
            report_state=ReportState.NONE,
            session__end__lte=now,
            session__end__gte=now - HORIZON,
        ).select_related("session__org")[:limit]
    )
    grace = graces({r.org_id for r in rows})
    done = 0
    for found in rows:
        session = found.session
        if now < session.end + grace[session.org_id]:
            continue
        with transaction.atomic():
            row = record.locked(session)
            if row.ended_at is None and row.report_state == ReportState.NONE:
                row.report_state = ReportState.DUE
                row.report_due_at = now
                row.save()
                done += 1
    return done
