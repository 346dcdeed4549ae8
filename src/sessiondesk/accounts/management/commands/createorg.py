import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email, validate_slug

from sessiondesk.accounts.actions import create_organization
from sessiondesk.accounts.models import DEFAULT_TIMEZONE, Organization, validate_timezone


class Command(BaseCommand):
    help = "Create an organisation with its owner (and the default session types)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Organisation name, e.g. 'Acme Tutoring'.")
        parser.add_argument("--slug", required=True, help="Short name used in public booking links.")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", required=True)
        parser.add_argument(
            "--password",
            help="The owner's password. Defaults to $SESSIONDESK_OWNER_PASSWORD, else asked for.",
        )
        parser.add_argument("--timezone", default=DEFAULT_TIMEZONE, help="IANA name, e.g. Europe/Paris.")

    def handle(self, *args: object, **options: str) -> None:
        try:
            validate_slug(options["slug"])
            validate_email(options["owner_email"])
            validate_timezone(options["timezone"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if Organization.objects.filter(slug=options["slug"]).exists():
            raise CommandError(f"An organisation with slug {options['slug']!r} already exists.")
        password = options["password"] or os.environ.get("SESSIONDESK_OWNER_PASSWORD") or self._ask()
        owner = create_organization(
            name=options["name"],
            slug=options["slug"],
            owner_email=options["owner_email"],
            owner_name=options["owner_name"],
            password=password,
            timezone=options["timezone"],
        )
        self.stdout.write(f"Created {owner.org.name} ({owner.org.slug}) with owner {owner.email}.")

    def _ask(self) -> str:
        password = getpass.getpass("Owner password: ")
        if not password or password != getpass.getpass("Again: "):
            raise CommandError("The passwords are empty or do not match.")
        return password
