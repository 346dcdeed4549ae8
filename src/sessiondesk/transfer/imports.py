"""Importing a file: plan it (the preview), then apply the plan.

A file of up to ``BATCH`` rows commits whole or not at all. A larger one is applied in batches of
``BATCH`` rows, each planned again and committed on its own, so a failure stops at a batch boundary
and the result says which lines were imported; importing the same file again finishes the rest,
since rows already imported are skipped.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member, Organization
from sessiondesk.transfer import clients, members, sessions
from sessiondesk.transfer.columns import CLIENTS, KINDS, MEMBERS, SESSIONS, match, missing
from sessiondesk.transfer.csvfile import Table
from sessiondesk.transfer.errors import TransferError
from sessiondesk.transfer.plan import ACTIONS, Plan

BATCH = 5000
MAX_LISTED = 500  # rejected rows kept in a result; the counts always cover every row


@dataclass
class Result:
    kind: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    rejected: list[dict[str, Any]] = field(default_factory=list)
    batches: list[dict[str, Any]] = field(default_factory=list)  # lines and counts of each committed batch
    error: str = ""

    def add(self, plan: Plan) -> None:
        for action, count in plan.counts().items():
            self.counts[action] += count
        room = MAX_LISTED - len(self.rejected)
        self.rejected += [
            {"line": r.line, "label": r.label, "reason": r.reason} for r in plan.rejected[: max(room, 0)]
        ]

    @property
    def changes(self) -> int:
        return self.counts["create"] + self.counts["update"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "counts": self.counts,
            "rejected": self.rejected,
            "batches": self.batches,
            "error": self.error,
        }


def check_mapping(kind: str, table: Table, mapping: dict[str, str] | None) -> dict[str, str]:
    if kind not in KINDS:
        raise TransferError(f"Unknown kind “{kind}”; import clients, members or sessions.")
    mapping = match(kind, table.headers) if mapping is None else {k: v for k, v in mapping.items() if v}
    unknown = sorted(set(mapping.values()) - set(table.headers))
    if unknown:
        raise TransferError(f"The file has no column “{unknown[0]}”.")
    absent = missing(kind, mapping)
    if absent:
        raise TransferError(f"No column holds: {', '.join(absent)}. Map a column to each.")
    return mapping


def make_plan(
    org: Organization,
    kind: str,
    table: Table,
    mapping: dict[str, str],
    *,
    actor: Member | None,
    lock: bool = False,
) -> Plan:
    if kind == CLIENTS:
        return clients.make_plan(org, table, mapping)
    if kind == MEMBERS:
        return members.make_plan(org, table, mapping, actor)
    return sessions.make_plan(org, table, mapping, lock=lock)


def _apply(org: Organization, plan: Plan, actor: Member | None, invite: bool) -> None:
    if plan.kind == CLIENTS:
        clients.apply(org, plan, actor)
    elif plan.kind == MEMBERS:
        members.apply(org, plan, actor, invite=invite)
    elif plan.kind == SESSIONS:
        sessions.apply(org, plan, actor)


def preview(
    org: Organization, kind: str, table: Table, mapping: dict[str, str] | None, *, actor: Member | None
) -> Result:
    """What importing would do; writes nothing."""
    mapping = check_mapping(kind, table, mapping)
    result = Result(kind)
    result.add(make_plan(org, kind, table, mapping, actor=actor))
    return result


def run(
    org: Organization,
    kind: str,
    table: Table,
    mapping: dict[str, str] | None,
    *,
    actor: Member | None,
    invite: bool = False,
    filename: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Import the file; returns what was done. Each batch is planned inside its own transaction, so
    what it checks (free times, known emails) is still true when it is written."""
    mapping = check_mapping(kind, table, mapping)
    result = Result(kind)
    total = len(table.rows)
    for first in range(0, max(total, 1), BATCH):
        part = Table(table.headers, table.rows[first : first + BATCH])
        try:
            with transaction.atomic(durable=True):
                plan = make_plan(org, kind, part, mapping, actor=actor, lock=True)
                _apply(org, plan, actor, invite)
                if plan.changes:
                    detail: dict[str, Any] = {"kind": kind, "file": filename, "lines": _lines(part)}
                    detail.update(plan.counts())
                    audit.record(org, actor, "import.applied", None, **detail)
        except Exception as error:  # a batch that fails leaves the earlier ones, and says so
            result.error = f"Lines {_lines(part)} were not imported: {error}"
            raise ImportStopped(result) from error
        result.add(plan)
        result.batches.append({"lines": _lines(part), **plan.counts()})
        if progress is not None:
            progress(min(first + BATCH, total), total)
    return result


class ImportStopped(Exception):
    """A batch failed; ``result`` holds the batches committed before it."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.error)
        self.result = result


def _lines(table: Table) -> str:
    if not table.rows:
        return "none"
    return f"{table.rows[0][0]}–{table.rows[-1][0]}"
