from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessiondesk.accounts.models import Organization
from sessiondesk.transfer import imports
from sessiondesk.transfer.columns import KINDS
from sessiondesk.transfer.csvfile import read
from sessiondesk.transfer.errors import TransferError


class Command(BaseCommand):
    help = "Import clients, members or sessions from a CSV file (docs/import-export.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would happen; write nothing.")
        parser.add_argument("--invite", action="store_true", help="Members: email each new member a link.")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organisation with slug {options['org']!r}.")
        path: Path = options["file"]
        try:
            table = read(path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except TransferError as error:
            raise CommandError(error.message) from None
        kind = options["kind"]
        try:
            if options["dry_run"]:
                result = imports.preview(org, kind, table, None, actor=None)
            else:
                result = imports.run(
                    org, kind, table, None, actor=None, invite=options["invite"], filename=path.name
                )
        except TransferError as error:
            raise CommandError(error.message) from None
        except imports.ImportStopped as stopped:
            self._report(stopped.result, dry_run=False)
            raise CommandError(stopped.result.error) from None
        self._report(result, dry_run=options["dry_run"])

    def _report(self, result: imports.Result, *, dry_run: bool) -> None:
        counts = result.counts
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {result.kind}: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['skip']} unchanged, {counts['reject']} rejected."
            if dry_run
            else f"{verb} {result.kind}: {counts['create']} created, {counts['update']} updated, "
            f"{counts['skip']} unchanged, {counts['reject']} rejected."
        )
        for row in result.rejected:
            label = f" ({row['label']})" if row["label"] else ""
            self.stdout.write(f"  line {row['line']}{label}: {row['reason']}")
        if counts["reject"] > len(result.rejected):
            self.stdout.write(f"  … and {counts['reject'] - len(result.rejected)} more rejected rows.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
