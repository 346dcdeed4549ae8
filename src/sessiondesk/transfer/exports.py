"""CSV downloads of the lists, streamed row by row (a year of sessions never sits in memory), with
times in the viewer's time zone and the zone named in the column headers."""

import csv
import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from sessiondesk.accounts import audit_sentences
from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.scheduling.models import Client, Session

CHUNK = 2000
# A cell a spreadsheet would run as a formula (a client named "=HYPERLINK(…)" on a public booking
# page): written with a leading apostrophe, which spreadsheets show as text. A phone number or a
# signed number stays as it is.
FORMULA = re.compile(r"^[=@\t\r]|^[+-](?![\d\s().+-]*$)")


class _Echo:
    """A file that hands back what is written: the csv module writes one row, we yield it."""

    def write(self, value: str) -> str:
        return value


def stream_csv(filename: str, header: list[str], rows: Iterable[list[Any]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a byte order mark, so spreadsheets read the file as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and FORMULA.match(value) else value


def _time(moment: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def session_rows(sessions: QuerySet[Session], tz_name: str) -> tuple[list[str], Iterator[list[Any]]]:
    tz = zoneinfo.ZoneInfo(tz_name)
    header = [
        "Id",
        "Title",
        "Session type",
        "Consultant",
        "Consultant email",
        "Co-hosts",
        "Client emails",
        f"Start ({tz_name})",
        f"End ({tz_name})",
        "Status",
        "Online",
        "Place",
        "Online meeting",
        "Series",
    ]
    sessions = sessions.select_related("consultant__user", "session_type").prefetch_related(
        "clients", "co_hosts__user"
    )

    def rows() -> Iterator[list[Any]]:
        for s in sessions.iterator(chunk_size=CHUNK):
            yield [
                s.pk,
                s.title,
                s.session_type.name,
                s.consultant.name,
                s.consultant.email,
                "; ".join(m.name for m in s.co_hosts.all()),
                "; ".join(c.email for c in s.clients.all()),
                _time(s.start, tz),
                _time(s.end, tz),
                s.get_status_display(),
                "yes" if s.is_online else "no",
                s.location,
                s.get_provider_display(),
                s.series_id or "",
            ]

    return header, rows()


def client_rows(clients: QuerySet[Client], tz_name: str) -> tuple[list[str], Iterator[list[Any]]]:
    tz = zoneinfo.ZoneInfo(tz_name)
    header = ["Id", "Name", "Email", "Phone", "Time zone", "Notes", f"Added ({tz_name})"]
    rows = (
        [c.pk, c.name, c.email, c.phone, c.timezone, c.notes, _time(c.created_at, tz)]
        for c in clients.iterator(chunk_size=CHUNK)
    )
    return header, rows


def member_rows(members: QuerySet[Member], tz_name: str) -> tuple[list[str], Iterator[list[Any]]]:
    tz = zoneinfo.ZoneInfo(tz_name)
    header = ["Id", "Name", "Email", "Role", "Active", "Time zone", f"Joined ({tz_name})"]
    rows = (
        [
            m.pk,
            m.name,
            m.email,
            m.get_role_display(),
            "yes" if m.is_active else "no",
            m.timezone,
            _time(m.created_at, tz),
        ]
        for m in members.select_related("user").iterator(chunk_size=CHUNK)
    )
    return header, rows


def audit_rows(entries: QuerySet[AuditEntry], tz_name: str) -> tuple[list[str], Iterator[list[Any]]]:
    tz = zoneinfo.ZoneInfo(tz_name)
    header = [f"When ({tz_name})", "Who", "What happened", "Action", "Object", "Detail"]
    rows = (
        [
            _time(e.created_at, tz),
            e.actor_label,
            audit_sentences.sentence(e, tz_name),
            e.action,
            e.object_repr,
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "",
        ]
        for e in entries.select_related("actor__user").iterator(chunk_size=CHUNK)
    )
    return header, rows
