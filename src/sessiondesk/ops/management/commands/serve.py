"""``sessiondesk serve``: the web app under gunicorn, several processes, static files by WhiteNoise.

It collects the static files (pre-compressed, served by WhiteNoise from every web process), prepares
the folder prometheus_client's multiprocess mode shares between the processes, and then *becomes*
gunicorn (exec), so signals from systemd or a container runtime reach it directly. It does not
migrate: that is a deliberate step of an upgrade (docs/deploy.md).
"""

import logging
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

log = logging.getLogger("sessiondesk.serve")


class Command(BaseCommand):
    help = "Serve SessionDesk in production: gunicorn with several processes (WEB_CONCURRENCY × WEB_THREADS)."
    # Checks would import the URL configuration (and prometheus_client) before multiprocess mode is set.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=None, help="address to listen on (default WEB_BIND, 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="web processes (default WEB_CONCURRENCY)"
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="threads per process (default WEB_THREADS)"
        )
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="static files are already collected"
        )

    def handle(
        self,
        *args: Any,
        bind: str | None,
        workers: int | None,
        threads: int | None,
        no_collectstatic: bool,
        **options: Any,
    ) -> None:
        bind = bind or settings.WEB_BIND
        workers = workers if workers is not None else settings.WEB_CONCURRENCY
        threads = threads if threads is not None else settings.WEB_THREADS
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        env = dict(os.environ)
        # WhiteNoise serves the collected, pre-compressed files (gzip and Brotli), not the source folders.
        env["STATIC_COLLECTED"] = "true"
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_folder(env.get("PROMETHEUS_MULTIPROC_DIR"), bind))
        cpus = pinned_cpus(settings.WEB_CPU_AFFINITY, workers)
        env["SESSIONDESK_WEB_CPUS"] = ",".join(str(cpu) for cpu in cpus)
        env["SESSIONDESK_KEEPALIVE_REQUESTS"] = str(settings.WEB_KEEPALIVE_REQUESTS)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "sessiondesk.wsgi:application",
            "--config",
            "python:sessiondesk.ops.gunicorn_config",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--graceful-timeout",
            "30",
            "--max-requests",
            "5000",
            "--max-requests-jitter",
            "500",
            "--worker-tmp-dir",
            "/dev/shm" if Path("/dev/shm").is_dir() else str(settings.HOME),
            # Several instances may run on one machine; nothing uses gunicorn's control socket.
            "--no-control-socket",
            "--log-level",
            settings.LOG_LEVEL.lower(),
        ]
        # Through the log (not stdout), so that with LOG_FORMAT=json every line of the output is JSON.
        log.info(
            "Serving SessionDesk on %s with %s process(es) × %s thread(s)%s.",
            bind,
            workers,
            threads,
            f", each kept on one of CPUs {env['SESSIONDESK_WEB_CPUS']}" if cpus else "",
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        os.execve(sys.executable, argv, env)


def pinned_cpus(mode: str, workers: int) -> list[int]:
    """The CPUs to keep the web processes on, one each in turn (``WEB_CPU_AFFINITY``), or none.

    A process that stays on one CPU keeps its caches: on a machine the web processes fill, the kernel
    otherwise moves them between CPUs and among the other processes' work, and each booking costs
    more CPU (docs/performance.md). ``auto`` keeps them on CPUs only when there are at least as many
    processes as CPUs this process may use: with fewer, the free CPUs are better left to the kernel
    to share, and two instances on a larger machine would crowd the same first CPUs."""
    available = sorted(os.sched_getaffinity(0))
    if mode == "false" or len(available) < 2 or (mode == "auto" and workers < len(available)):
        return []
    return available


def metrics_folder(given: str | None, bind: str) -> Path:
    """The folder the web processes share their request counters in; emptied at each start."""
    folder = Path(given) if given else settings.HOME / "metrics" / bind.replace(":", "_").replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return folder
