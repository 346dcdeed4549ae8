import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessiondesk.meetings import wakeup
from sessiondesk.meetings.worker import Worker


class Command(BaseCommand):
    help = "Run the background worker: meeting sync, emails and the other registered jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=None, help="Worker threads (default WORKER_CONCURRENCY, 1)."
        )
        parser.add_argument("--once", action="store_true", help="Exit once nothing is due.")

    def handle(self, *args: Any, concurrency: int | None, once: bool, **options: Any) -> None:
        if concurrency is None:
            concurrency = settings.WORKER_CONCURRENCY
        if concurrency < 1:
            raise CommandError("--concurrency must be at least 1.")
        stop = threading.Event()

        def request_stop(signum: int, frame: object) -> None:
            stop.set()
            wakeup.wake()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(f"Worker running with {concurrency} thread(s); stop with Ctrl-C or SIGTERM.")
        Worker(concurrency=concurrency, once=once, stop=stop).run()
        self.stdout.write("Worker stopped.")
