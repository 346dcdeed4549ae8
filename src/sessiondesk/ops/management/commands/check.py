"""``sessiondesk check``: SessionDesk's configuration checks, then Django's system checks.

Exits non-zero when anything is wrong, after saying what and how to fix it.
"""

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.check import Command as DjangoCheck

from sessiondesk.ops import checks


class Command(DjangoCheck):
    help = (
        "Check the configuration (database reachable and migrated, keys, email, Zoom credentials against "
        "Zoom, redirect and webhook URLs), then run Django's system checks. With --deploy the development "
        "mailbox is a failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-zoom", action="store_true", help="Do not contact Zoom.")

    def handle(self, *app_labels: Any, **options: Any) -> None:
        if options["list_tags"]:
            return super().handle(*app_labels, **options)
        findings = checks.run_all(zoom=not options["no_zoom"], deploy=options["deploy"])
        for finding in findings:
            if finding.ok:
                self.stdout.write(f"{self.style.SUCCESS('ok  ')} {finding.topic}: {finding.message}")
            else:
                self.stdout.write(f"{self.style.ERROR('FAIL')} {finding.topic}: {finding.message}")
        failed = sum(not finding.ok for finding in findings)
        super().handle(*app_labels, **options)
        if failed:
            raise CommandError(f"{failed} configuration problem(s): see FAIL above.")
        self.stdout.write(self.style.SUCCESS("Configuration OK."))
