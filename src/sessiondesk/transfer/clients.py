"""Importing clients: matched by email in the organisation; a known email updates what the file
gives, an unknown one is created with the organisation's time zone unless the file gives one."""

from django.db.models.functions import Lower

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.scheduling.models import Client
from sessiondesk.transfer import plan as p
from sessiondesk.transfer.csvfile import Table

UPDATABLE = ("name", "phone", "timezone", "notes")
BATCH = 1000


def _values(cells: dict[str, str], mapping: dict[str, str]) -> dict[str, str]:
    name = p.cell(cells, mapping, "name")
    if not name:
        name = " ".join(
            filter(None, [p.cell(cells, mapping, "first_name"), p.cell(cells, mapping, "last_name")])
        )
    if not name:
        raise p.Refused("No name.")
    values = {
        "name": p.text(name, "name", 200),
        "email": p.text(p.email(p.cell(cells, mapping, "email")), "email address", 254),
        "phone": p.text(p.cell(cells, mapping, "phone"), "phone number", 40),
        "notes": p.cell(cells, mapping, "notes"),
    }
    tz = p.cell(cells, mapping, "timezone")
    if tz:
        values["timezone"] = p.zone(tz)
    return values


def make_plan(org: Organization, table: Table, mapping: dict[str, str]) -> p.Plan:
    plan = p.Plan("clients")
    existing = {
        email: (pk, {"name": name, "phone": phone, "timezone": tz, "notes": notes})
        for pk, email, name, phone, tz, notes in Client.objects.filter(org=org)
        .annotate(lower=Lower("email"))
        .values_list("pk", "lower", "name", "phone", "timezone", "notes")
    }
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        try:
            values = _values(cells, mapping)
        except p.Refused as refusal:
            plan.add(line, p.REJECT, str(refusal), p.cell(cells, mapping, "email"))
            continue
        address = values["email"]
        if address in seen:
            plan.add(line, p.REJECT, f"The same email address as line {seen[address]}.", address)
            continue
        seen[address] = line
        if address not in existing:
            plan.add(line, p.CREATE, "New client.", address, **values)
            continue
        pk, current = existing[address]
        # Only what the file gives changes: an empty cell keeps what SessionDesk has.
        changed = {f: values[f] for f in UPDATABLE if values.get(f) and values[f] != current[f]}
        if changed:
            row = plan.add(line, p.UPDATE, f"Changes {', '.join(sorted(changed))}.", address, **changed)
        else:
            row = plan.add(line, p.SKIP, "Already a client; nothing changes.", address)
        row.target = pk
    return plan


def apply(org: Organization, plan: p.Plan, actor: Member | None) -> None:
    new = [
        Client(org=org, created_by=actor, **{"timezone": org.timezone, **row.values})
        for row in plan.rows
        if row.action == p.CREATE
    ]
    Client.objects.bulk_create(new, batch_size=BATCH)
    updates = [row for row in plan.rows if row.action == p.UPDATE]
    for field in UPDATABLE:
        changed = [
            Client(pk=row.target, **{field: row.values[field]}) for row in updates if field in row.values
        ]
        Client.objects.bulk_update(changed, [field], batch_size=BATCH)
