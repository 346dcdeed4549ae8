"""``sessiondesk serve``: the web app under gunicorn, several processes, static files by WhiteNoise.

It collects the static files (pre-compressed, served by WhiteNoise from every web process), prepares
the folder prometheus_client's multiprocess mode shares between the processes, and then *becomes*
gunicorn (exec), so signals from systemd or a container runtime reach it directly. It does not
migrate: that is a deliberate step of an upgrade (docs/deploy.md).
"""

import logging
import os
import select
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
            worker_class(settings.WEB_WORKER),
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
        # gunicorn and every process and thread it starts inherit the policy through exec and fork.
        batch = settings.WEB_SCHED_BATCH and batch_policy()
        # Through the log (not stdout), so that with LOG_FORMAT=json every line of the output is JSON.
        log.info(
            "Serving SessionDesk on %s with %s process(es) × %s thread(s)%s%s.",
            bind,
            workers,
            threads,
            f", each kept on one of CPUs {env['SESSIONDESK_WEB_CPUS']}" if cpus else "",
            ", under the batch scheduling policy" if batch else "",
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


def worker_class(mode: str) -> str:
    """gunicorn's worker class for the web processes (``WEB_WORKER``): SessionDesk's, in which the
    thread the kernel wakes for a request serves it (``ops.web_worker``: a quarter less of the HTTP
    server's own CPU a request, docs/performance.md), where the system has ``epoll``; otherwise, or
    with ``gthread``, gunicorn's threaded worker."""
    if mode == "auto" and hasattr(select, "epoll"):
        return "sessiondesk.ops.web_worker.Worker"
    return "gthread"


def batch_policy() -> bool:
    """Put this process under Linux's batch scheduling policy (``WEB_SCHED_BATCH``); whether it took.

    A batch process woken by a request does not take the CPU from the process running there; it
    waits for that one to block or for its time slice to end. The web processes then change places
    with the clients and with each other less often, and each keeps its caches longer: on SQLite a
    served booking costs less CPU and two CPUs take 8 % more bookings a second; on PostgreSQL,
    whose own processes still take the CPU when a query wakes them, it measured level
    (docs/performance.md, fourteenth round). A request waits at most a time slice (a few
    milliseconds) longer."""
    if not hasattr(os, "SCHED_BATCH"):
        return False
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except OSError as error:
        log.warning("The batch scheduling policy was refused (%s); serving under the usual one.", error)
        return False
    return True


def metrics_folder(given: str | None, bind: str) -> Path:
    """The folder the web processes share their request counters in; emptied at each start."""
    folder = Path(given) if given else settings.HOME / "metrics" / bind.replace(":", "_").replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return folder
