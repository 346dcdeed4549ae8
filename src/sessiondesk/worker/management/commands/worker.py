import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessiondesk.worker import wakeup
from sessiondesk.worker.identity import worker_name
from sessiondesk.worker.loop import Worker

log = logging.getLogger("sessiondesk.worker")


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
        # Through the log, so that with LOG_FORMAT=json every line a worker writes is JSON.
        log.info(
            "Worker %s running with %s thread(s); stop with Ctrl-C or SIGTERM.", worker_name(), concurrency
        )
        Worker(concurrency=concurrency, once=once, stop=stop).run()
        log.info("Worker %s stopped.", worker_name())
