"""The figures on the Integration health page: the sync backlog, recent failures with their remedies,
the meetings of series scheduled for creation later, each Zoom host's use of Zoom's daily meeting limit, and two small charts (sessions per week, Zoom calls
by outcome per day). Every figure is for one organisation; charts are drawn as server-side SVG."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate

from sessiondesk.accounts.models import Organization
from sessiondesk.integrations.zoom.meetings import ledger
from sessiondesk.integrations.zoom.models import ConnectionStatus, HostDailyLedger, ZoomConnection
from sessiondesk.meetings.models import UNSETTLED, CallAttempt, LinkState, MeetingLink, WaitReason
from sessiondesk.scheduling.models import Session, SessionStatus

WEEKS_BEFORE, WEEKS_AFTER = 5, 2  # the sessions chart: five weeks back, this week, two ahead
CALL_DAYS = 14
FAILURES_SHOWN = 10
CREATION_DAYS_SHOWN = 5
OUTCOMES = ("ok", "transient", "permanent")
DEFAULT_REMEDY = {
    LinkState.PENDING: "Nothing to do: SessionDesk retries by itself. If it keeps failing, check the "
    "Zoom connection above.",
    LinkState.WAITING: "Nothing to do: the work continues when the limit resets.",
    LinkState.BLOCKED: "Fix the cause, then press Retry on the session.",
}


# The sync backlog -----------------------------------------------------------------------------------


@dataclass
class Backlog:
    due: int  # waiting for a worker now
    retrying: int  # failed, retried later (backoff)
    waiting: int  # held back by a limit (Zoom's daily limit)
    blocked: int  # needs a person
    oldest_due: dt.datetime | None  # when the longest-waiting due item became due

    @property
    def total(self) -> int:
        return self.due + self.retrying + self.waiting + self.blocked

    def lag(self, now: dt.datetime) -> dt.timedelta | None:
        return now - self.oldest_due if self.oldest_due is not None else None


# A later occurrence of a series whose meeting is created when the rolling horizon reaches it: planned,
# neither backlog nor failure.
FOR_CREATION_DATE = Q(state=LinkState.WAITING, waiting_for=WaitReason.HORIZON)


def backlog(org: Organization, now: dt.datetime) -> Backlog:
    # Only these states count; the index on state keeps the active and deleted majority unread.
    links = MeetingLink.objects.filter(org=org, state__in=UNSETTLED)
    pending = Q(state=LinkState.PENDING)
    figures = links.aggregate(
        due=Count("id", filter=pending & Q(next_attempt_at__lte=now)),
        retrying=Count("id", filter=pending & Q(next_attempt_at__gt=now)),
        waiting=Count("id", filter=Q(state=LinkState.WAITING) & ~FOR_CREATION_DATE),
        blocked=Count("id", filter=Q(state=LinkState.BLOCKED)),
        oldest_due=Min("next_attempt_at", filter=pending & Q(next_attempt_at__lte=now)),
    )
    return Backlog(**figures)


def recent_failures(org: Organization) -> list[dict[str, Any]]:
    """Meetings whose last attempt failed and that are not in line yet, newest first, with what to do."""
    rows = (
        MeetingLink.objects.filter(org=org)
        .exclude(last_error="")
        .filter(state__in=UNSETTLED)
        .exclude(FOR_CREATION_DATE)
        .select_related("session")
        .order_by("-updated_at", "-id")[:FAILURES_SHOWN]
    )
    return [{"link": link, "remedy": link.remedy or DEFAULT_REMEDY[LinkState(link.state)]} for link in rows]


@dataclass
class CreationDay:
    day: dt.date
    meetings: int


@dataclass
class Creations:
    """Meetings of series that are created later, on the day the horizon reaches them: the first
    few days (in ``tz``) and how many meetings fall on the days after those."""

    days: list[CreationDay]
    later: int

    @property
    def total(self) -> int:
        return sum(day.meetings for day in self.days) + self.later


def scheduled_creations(org: Organization, tz: zoneinfo.ZoneInfo) -> Creations:
    rows = list(
        MeetingLink.objects.filter(FOR_CREATION_DATE, org=org)
        .annotate(day=TruncDate("next_attempt_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    days = [CreationDay(row["day"], row["n"]) for row in rows[:CREATION_DAYS_SHOWN]]
    return Creations(days, sum(row["n"] for row in rows[CREATION_DAYS_SHOWN:]))


# Zoom's daily meeting limit, per host ------------------------------------------------------------------


@dataclass
class HostUsage:
    zoom_user_id: str
    label: str
    used: int
    limit: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 0

    @property
    def level(self) -> str:
        return "bad" if self.used >= self.limit else "warn" if self.percent >= 80 else "ok"


def daily_usage(org: Organization, now: dt.datetime) -> list[HostUsage]:
    """Today's (UTC) meeting create/update calls of each Zoom host this organisation uses: the hosts
    of its connections, and those of meetings it changed today (an organisation account has many)."""
    day = ledger.today(now)
    hosts: dict[str, str] = {}
    for connection in (
        ZoomConnection.objects.filter(org=org)
        .exclude(status=ConnectionStatus.REVOKED)
        .select_related("member__user")
    ):
        name = connection.member.name if connection.member else "Former member"
        hosts[connection.zoom_user_id] = f"{name} ({connection.zoom_email})"
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    for payload in MeetingLink.objects.filter(
        org=org, provider="zoom", updated_at__gte=midnight, applied_payload__isnull=False
    ).values_list("applied_payload", flat=True):
        host = payload.get("host") if isinstance(payload, dict) else None
        if isinstance(host, dict) and host.get("zoom_user_id"):
            hosts.setdefault(str(host["zoom_user_id"]), str(host.get("label") or host.get("email") or ""))
    used = dict(
        HostDailyLedger.objects.filter(day=day, zoom_user_id__in=list(hosts)).values_list(
            "zoom_user_id", "used"
        )
    )
    rows = [HostUsage(uid, label or uid, used.get(uid, 0), ledger.limit()) for uid, label in hosts.items()]
    return sorted(rows, key=lambda r: (-r.used, r.label))


# Charts ----------------------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    title: str  # the hover text: the exact figures
    x: float
    segments: list[dict[str, Any]] = field(default_factory=list)  # {"y", "height", "kind", "value"}
    total: int = 0
    current: bool = False
    center: float = 0.0  # where the value and the label are written
    top_y: float = 0.0  # the top of the bar


@dataclass
class Chart:
    width: int
    height: int
    bar_width: float
    bars: list[Bar]
    top: int  # the value of a full-height bar
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(bar.total for bar in self.bars)


CHART_HEIGHT, PLOT_TOP, PLOT_BOTTOM = 150, 16, 128  # SVG units: room for the numbers and the labels


def _chart(columns: list[tuple[str, str, dict[str, int], bool]], kinds: tuple[str, ...], slot: int) -> Chart:
    """Stacked bars: one per column (label, title, values by kind, is current)."""
    top = max([sum(values.values()) for _, _, values, _ in columns] + [1])
    plot = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for index, (label, title, values, current) in enumerate(columns):
        bar = Bar(label=label, title=title, x=index * slot + slot * 0.15, current=current)
        base = float(PLOT_BOTTOM)
        for kind in kinds:
            value = values.get(kind, 0)
            if value:
                height = round(plot * value / top, 2)
                base -= height
                bar.segments.append({"y": round(base, 2), "height": height, "kind": kind, "value": value})
        bar.total = sum(values.values())
        bar.center = round(bar.x + slot * 0.35, 2)
        bar.top_y = base
        bars.append(bar)
    totals = {kind: sum(values.get(kind, 0) for _, _, values, _ in columns) for kind in kinds}
    return Chart(len(columns) * slot, CHART_HEIGHT, round(slot * 0.7, 2), bars, top, totals)


def sessions_per_week(org: Organization, now: dt.datetime) -> Chart:
    """Sessions that take place each week (Monday to Sunday in the organisation's time zone)."""
    tz = zoneinfo.ZoneInfo(org.timezone)
    today = now.astimezone(tz).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday + dt.timedelta(weeks=w) for w in range(-WEEKS_BEFORE, WEEKS_AFTER + 1)]
    start = dt.datetime.combine(mondays[0], dt.time(), tzinfo=tz)
    end = dt.datetime.combine(mondays[-1] + dt.timedelta(weeks=1), dt.time(), tzinfo=tz)
    # One count per week over the index on (org, start): no time zone arithmetic per session, which
    # at tens of thousands of sessions a week costs more than the counting.
    bounds = [
        dt.datetime.combine(m, dt.time(), tzinfo=tz) for m in [*mondays, mondays[-1] + dt.timedelta(weeks=1)]
    ]
    weeks = {
        f"w{n}": Count("id", filter=Q(start__gte=bounds[n], start__lt=bounds[n + 1]))
        for n in range(len(mondays))
    }
    figures = Session.objects.filter(
        org=org, status=SessionStatus.SCHEDULED, start__gte=start, start__lt=end
    ).aggregate(**weeks)
    counts = {monday: figures[f"w{n}"] for n, monday in enumerate(mondays)}
    columns = []
    for monday in mondays:
        n = counts.get(monday, 0)
        title = f"Week of {monday:%-d %b}: {n} session{'s' if n != 1 else ''}"
        columns.append((f"{monday:%-d %b}", title, {"sessions": n}, monday == this_monday))
    return _chart(columns, ("sessions",), 48)


def zoom_calls_per_day(org: Organization, now: dt.datetime) -> Chart:
    """Calls to Zoom for this organisation's meetings each day, by outcome (organisation's time zone)."""
    tz = zoneinfo.ZoneInfo(org.timezone)
    today = now.astimezone(tz).date()
    days = [today - dt.timedelta(days=d) for d in range(CALL_DAYS - 1, -1, -1)]
    # One count per day and outcome over the index on created_at, as for the sessions chart: no time
    # zone arithmetic per call.
    bounds = [dt.datetime.combine(day, dt.time(), tzinfo=tz) for day in [*days, today + dt.timedelta(days=1)]]
    per_day = {
        f"d{n}": Count("id", filter=Q(created_at__gte=bounds[n], created_at__lt=bounds[n + 1]))
        for n in range(len(days))
    }
    counts: dict[dt.date, dict[str, int]] = {}
    # The calls of the last days are found by their time first ("+ 0" keeps a planner from starting at
    # the organisation's sessions, which at a year of sessions reads every one of them).
    rows: Any = (
        CallAttempt.objects.filter(provider="zoom", created_at__gte=bounds[0])
        .annotate(org_of_call=F("link__org_id") + 0)
        .filter(org_of_call=org.pk)
        .values("outcome")
        .annotate(**per_day)
    )
    for row in rows:
        for n, day in enumerate(days):
            counts.setdefault(day, {})[row["outcome"]] = row[f"d{n}"]
    columns = []
    for day in days:
        values = {kind: counts.get(day, {}).get(kind, 0) for kind in OUTCOMES}
        title = f"{day:%a %-d %b}: " + ", ".join(f"{values[k]} {k}" for k in OUTCOMES)
        columns.append((f"{day:%-d}", title, values, day == today))
    return _chart(columns, OUTCOMES, 28)
