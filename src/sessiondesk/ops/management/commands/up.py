"""``sessiondesk up``: the embedded instance — web, worker and the Zoom emulator in one process."""

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sessiondesk.accounts.models import Organization
from sessiondesk.ops import checks, embedded
from sessiondesk.ops.demo import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Migrate, seed the demo on the first run, and serve SessionDesk with its worker and Zoom emulator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--emulator-port",
            type=int,
            default=None,
            help="the Zoom emulator's port (default: web port + 1000; 0: none)",
        )
        parser.add_argument("--no-demo", action="store_true", help="do not seed the demo organisation")

    def handle(
        self, *args: Any, port: int, host: str, emulator_port: int | None, no_demo: bool, **kw: Any
    ) -> None:
        out = self.stdout
        out.write(f"Instance folder: {settings.HOME}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        seeded = False
        if not no_demo and not Organization.objects.exists():
            seed_demo()
            seeded = True
        site_url = embedded.configure_site_url(host, port)
        stop = threading.Event()
        if emulator_port is None:
            emulator_port = port + 1000
        services = embedded.start_services(host, port, emulator_port, stop, out)
        out.write("")
        out.write(self.style.SUCCESS(f"SessionDesk is running at {site_url}/"))
        if seeded or Organization.objects.filter(slug="brightside").exists():
            out.write(f"Demo logins (password {DEMO_PASSWORD}):")
            for email, name, role in demo_logins():
                out.write(f"  {role:<11} {email:<26} {name}")
            out.write(f"Public booking page: {site_url}/book/brightside/consultation/")
        if seeded:
            # The worker's first pass logs each of them as blocked, just below: expected, not a fault.
            hosts = " or ".join(name.split()[0] for _, name, role in demo_logins() if role == "Consultant")
            out.write(
                f"The demo's online sessions wait for Zoom (the worker logs each one as blocked): log in as "
                f"{hosts} and press Connect Zoom on a session's meeting card, or as the owner connect "
                "the organisation's Zoom account."
            )
        if settings.DEV_MAILBOX:
            out.write(f"Emails are kept in the development mailbox: {site_url}/dev/mailbox/")
        else:
            out.write(checks.email(deploy=False)[0].message)
        out.write("Press Ctrl-C to stop.")

        def request_stop(signum: int, frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        stop.wait()
        out.write("Stopping…")
        embedded.stop_services(services)
        out.write("Stopped.")
