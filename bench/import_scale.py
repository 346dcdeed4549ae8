"""Import at the size we design for: 500 members, 20,000 clients and 20,000 sessions from CSV files
into an empty organisation, then the same files again, on SQLite and on PostgreSQL.

Then it streams the sessions CSV export and the whole-organisation JSON export of what it imported
and reports their seconds (on the first line of figures, not in the last line).

The files are written as a spreadsheet would (one row per member, client and session); the sessions
are online on Zoom over the coming weeks, one client each. The import runs through the same code as
`sessiondesk import` (read, plan, apply); no worker runs meanwhile, and every Zoom call is recorded,
so ``zoom_calls_during_import`` counts what the import itself would have called (it must be 0: the
meetings are the sync's work afterwards).

Prints per-backend figures, then one JSON object last per backend:
``{"rows", "seconds", "rows_per_s", "rejected", "second_run_changes", "zoom_calls_during_import"}``.

    .venv/bin/python bench/import_scale.py [--members 500] [--clients 20000] [--sessions 20000]
                                           [--backends sqlite,postgresql]
"""

import argparse
import json

from _common import database, django_run, migrate

RUN = """
import datetime as dt, time
from django.utils import timezone
from sessiondesk.accounts.actions import create_organization
from sessiondesk.meetings.models import CallAttempt, MeetingLink
from sessiondesk.scheduling.models import SessionType
from sessiondesk.transfer import imports
from sessiondesk.transfer.csvfile import read

M, C, S = {members}, {clients}, {sessions}
owner = create_organization(name="Bench", slug="bench", owner_email="owner@bench.test", owner_name="Owner",
                            password=None, timezone="UTC")
org = owner.org
SessionType.objects.filter(org=org, name="Lesson").update(default_provider="zoom")

def csv(lines):
    return ("\\n".join(lines) + "\\n").encode()

members = csv(["Name,Email,Role,Time zone"] + [f"Tutor {{i}},tutor{{i}}@bench.test,tutor,UTC" for i in range(M)])
clients = csv(["Full name;E-mail;Phone;Time zone"] +
              [f"Student {{i}};student{{i}}@bench.test;+1 555 {{i:06d}};Europe/London" for i in range(C)])
base = (timezone.now() + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
rows = ["Title,Session type,Consultant,Client email,Start,Duration"]
for k in range(S):
    tutor, n = k % M, k // M
    start = base + dt.timedelta(days=n // 4, hours=8 + 2 * (n % 4))
    rows.append(f"Lesson {{k}},Lesson,tutor{{tutor}}@bench.test,student{{k % C}}@bench.test,"
                f"{{start:%Y-%m-%dT%H:%M:%SZ}},60")
sessions = csv(rows)

def run_all():
    results = []
    started = time.perf_counter()
    for kind, data in (("members", members), ("clients", clients), ("sessions", sessions)):
        results.append(imports.run(org, kind, read(data), None, actor=owner, filename=kind + ".csv"))
    return results, time.perf_counter() - started

calls = CallAttempt.objects.count()
first, seconds = run_all()
again, seconds_again = run_all()

from sessiondesk.scheduling.models import Session
from sessiondesk.transfer import backup, exports
started = time.perf_counter()
header, rows = exports.session_rows(Session.objects.filter(org=org), "Europe/London")
exported_rows = sum(1 for _ in rows)
csv_seconds = time.perf_counter() - started
started = time.perf_counter()
json_bytes = sum(len(chunk.encode()) for chunk in backup.chunks(org))
json_seconds = time.perf_counter() - started
print(json.dumps({{
    "rows": M + C + S,
    "seconds": round(seconds, 2),
    "rows_per_s": round((M + C + S) / seconds, 1),
    "rejected": sum(r.counts["reject"] for r in first),
    "second_run_changes": sum(r.changes for r in again),
    "zoom_calls_during_import": CallAttempt.objects.count() - calls,
    "_second_run_seconds": round(seconds_again, 2),
    "_created": {{r.kind: r.counts["create"] for r in first}},
    "_meeting_links": MeetingLink.objects.count(),
    "_export_csv": [exported_rows, round(csv_seconds, 2)],
    "_export_json": [json_bytes, round(json_seconds, 2)],
}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--sessions", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with database(backend) as env:
            migrate(env)
            figures = django_run(
                env, RUN.format(members=args.members, clients=args.clients, sessions=args.sessions)
            )
        extra = {k.lstrip("_"): v for k, v in figures.items() if k.startswith("_")}
        print(
            f"{backend}: second run {extra['second_run_seconds']} s; created {extra['created']}; "
            f"meeting links for the sync: {extra['meeting_links']}; sessions CSV export: "
            f"{extra['export_csv'][0]} rows in {extra['export_csv'][1]} s; organisation JSON export: "
            f"{extra['export_json'][0]:,} bytes in {extra['export_json'][1]} s"
        )
        print(json.dumps({k: v for k, v in figures.items() if not k.startswith("_")}))


if __name__ == "__main__":
    main()
