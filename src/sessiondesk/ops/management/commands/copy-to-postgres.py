"""``sessiondesk copy-to-postgres URL``: move a deployment from its SQLite database to PostgreSQL."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessiondesk.ops import copydb


class Command(BaseCommand):
    help = (
        "Copy every row of this deployment's database (usually the embedded SQLite) into a new, empty "
        "PostgreSQL database, reset its sequences and compare the row counts. Stop SessionDesk first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "url", help="the target, e.g. postgres://sessiondesk@db.example.com:5432/sessiondesk"
        )

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        try:
            counts = copydb.copy(url, progress=self.stdout.write)
        except copydb.CopyRefused as exc:
            raise CommandError(str(exc)) from None
        wrong = [c for c in counts if c.source != c.target]
        total = sum(c.target for c in counts)
        for count in wrong:
            self.stderr.write(f"{count.table}: {count.source} row(s) here, {count.target} in the target")
        if wrong:
            raise CommandError(f"{len(wrong)} table(s) differ after the copy: do not switch to the target.")
        self.stdout.write(
            self.style.SUCCESS(f"Copied {total} row(s) in {len(counts)} tables; every count matches.")
        )
        self.stdout.write("Next: set DATABASE_URL to the target and start SessionDesk (docs/deploy.md).")
