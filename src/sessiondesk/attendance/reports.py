"""Attendance reports: per consultant, per client or per month — sessions, sessions held, minutes
present and no-shows — for a range of months, as a page and as CSV."""

import csv
import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse, QueryDict
from django.utils import timezone

from sessiondesk.accounts.models import Organization
from sessiondesk.attendance.models import Attendee, Kind, Outcome, SessionAttendance
from sessiondesk.scheduling.models import SessionClient

GROUPS = {"consultant": "Consultant", "client": "Client", "month": "Month"}
COLUMNS = ["sessions", "held", "minutes", "client_no_shows", "consultant_no_shows", "not_held"]
HEADINGS = [
    "Sessions",
    "Held",
    "Minutes present",
    "Client no-shows",
    "Consultant no-shows",
    "Did not take place",
]
MOST_MONTHS = 24


class QueryError(ValueError):
    pass


def month_start(value: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.datetime(year, month, 1, tzinfo=tz)
    except (ValueError, TypeError):
        raise QueryError(f"{value!r} is not a month: write it as YYYY-MM.") from None


def next_month(when: dt.datetime) -> dt.datetime:
    return when.replace(year=when.year + when.month // 12, month=when.month % 12 + 1)


@dataclass
class Query:
    org: Organization
    group: str
    first: dt.datetime
    last: dt.datetime  # exclusive
    tz: zoneinfo.ZoneInfo

    @classmethod
    def from_params(cls, org: Organization, params: QueryDict) -> "Query":
        tz = zoneinfo.ZoneInfo(org.timezone)
        group = params.get("by", "consultant")
        if group not in GROUPS:
            raise QueryError("Group by consultant, client or month.")
        today = timezone.now().astimezone(tz)
        this_month = f"{today.year}-{today.month:02d}"
        first = month_start(params.get("from") or this_month, tz)
        last = next_month(month_start(params.get("to") or this_month, tz))
        if last <= first:
            raise QueryError("The last month must not be before the first.")
        if (last.year - first.year) * 12 + last.month - first.month > MOST_MONTHS:
            raise QueryError(f"Ask for at most {MOST_MONTHS} months at a time.")
        return cls(org, group, first, last, tz)

    @property
    def from_value(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def to_value(self) -> str:
        last = self.last - dt.timedelta(days=1)
        return f"{last:%Y-%m}"

    def attendance(self) -> Any:
        return SessionAttendance.objects.filter(
            org=self.org, session__start__gte=self.first, session__start__lt=self.last
        ).exclude(outcome__in=[Outcome.PENDING, Outcome.IN_PROGRESS])

    def attendees(self, kind: str) -> Any:
        """The attendees of one kind at the sessions of the months asked for."""
        return Attendee.objects.filter(
            session__org=self.org, session__start__gte=self.first, session__start__lt=self.last, kind=kind
        )


def outcome_counts(prefix: str = "") -> dict[str, Any]:
    field = f"{prefix}outcome"
    return {
        "sessions": Count("pk"),
        "held": Count("pk", filter=Q(**{field: Outcome.COMPLETED})),
        "client_no_shows": Count("pk", filter=Q(**{field: Outcome.CLIENT_NO_SHOW})),
        "consultant_no_shows": Count("pk", filter=Q(**{field: Outcome.CONSULTANT_NO_SHOW})),
        "not_held": Count("pk", filter=Q(**{field: Outcome.DID_NOT_TAKE_PLACE})),
    }


def table(query: Query) -> list[dict[str, Any]]:
    if query.group == "consultant":
        return by_consultant(query)
    if query.group == "client":
        return by_client(query)
    return by_month(query)


def host_minutes(query: Query, key: str, **annotations: Any) -> dict[Any, int]:
    seconds = (
        query.attendees(Kind.HOST).annotate(**annotations).values(key).annotate(total=Sum("seconds_present"))
    )
    return {row[key]: round((row["total"] or 0) / 60) for row in seconds}


def by_consultant(query: Query) -> list[dict[str, Any]]:
    rows = (
        query.attendance()
        .values("session__consultant_id", "session__consultant__user__name")
        .annotate(**outcome_counts())
        .order_by("session__consultant__user__name")
    )
    minutes = host_minutes(query, "session__consultant_id")
    return [
        {
            "label": r["session__consultant__user__name"],
            **r,
            "minutes": minutes.get(r["session__consultant_id"], 0),
        }
        for r in rows
    ]


def by_month(query: Query) -> list[dict[str, Any]]:
    month = TruncMonth("session__start", tzinfo=query.tz)
    rows = (
        query.attendance()
        .annotate(month=month)
        .values("month")
        .annotate(**outcome_counts())
        .order_by("month")
    )
    minutes = host_minutes(query, "month", month=month)
    return [{"label": f"{r['month']:%Y-%m}", **r, "minutes": minutes.get(r["month"], 0)} for r in rows]


def by_client(query: Query) -> list[dict[str, Any]]:
    """A client's no-show: a session that was held or marked a client no-show without them."""
    links = SessionClient.objects.filter(
        session__org=query.org,
        session__start__gte=query.first,
        session__start__lt=query.last,
        session__attendance__isnull=False,
    ).exclude(session__attendance__outcome__in=[Outcome.PENDING, Outcome.IN_PROGRESS])
    rows: Any = (
        links.values("client_id", "client__name")
        .annotate(**outcome_counts("session__attendance__"))
        .order_by("client__name", "client_id")
    )
    came = (
        query.attendees(Kind.CLIENT)
        .filter(seconds_present__gt=0)
        .values("client_id")
        .annotate(
            total=Sum("seconds_present"),
            attended=Count(
                "pk",
                filter=Q(session__attendance__outcome__in=[Outcome.COMPLETED, Outcome.CLIENT_NO_SHOW]),
            ),
        )
    )
    present = {r["client_id"]: r for r in came}
    found = []
    for r in rows:
        r = dict(r)
        mine = present.get(r["client_id"], {"total": 0, "attended": 0})
        expected = r["held"] + r["client_no_shows"]
        found.append(
            {
                "label": r["client__name"],
                **r,
                "minutes": round((mine["total"] or 0) / 60),
                "client_no_shows": max(0, expected - mine["attended"]),
            }
        )
    return found


def csv_response(query: Query) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"attendance-by-{query.group}-{query.from_value}-{query.to_value}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([GROUPS[query.group], *HEADINGS])
    for row in table(query):
        writer.writerow([row["label"], *(row[c] for c in COLUMNS)])
    return response
