"""gunicorn's configuration for ``sessiondesk serve``: its own log lines (start, workers booting,
timeouts) in the same format as SessionDesk's, so a JSON log stays JSON from the first line; when
``serve`` hands it CPUs (``WEB_CPU_AFFINITY``), each web process kept on one of them; and a kept-alive
connection closed after so many requests (``WEB_KEEPALIVE_REQUESTS``)."""

import logging
import os
from collections import Counter
from typing import Any

from gunicorn.glogging import Logger

from sessiondesk.lib.env import env
from sessiondesk.ops.logs import logging_config

logconfig_dict = logging_config(env("LOG_FORMAT", "plain"), env("LOG_LEVEL", "INFO"))


class RequestLogger(Logger):
    """SessionDesk writes each request's line itself (its route, status and request id), so
    gunicorn's access log stays below its level. gunicorn would still gather every field of that
    line for each request before the logger drops it: a seventh of a bare request's CPU."""

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if self.access_log.isEnabledFor(logging.INFO):
            super().access(resp, req, environ, request_time)


logger_class = RequestLogger


# The CPUs ``serve`` chose to spread its processes over (``serve.pinned_cpus``); none: the kernel places them.
CPUS = [int(cpu) for cpu in env("SESSIONDESK_WEB_CPUS").split(",") if cpu.strip()]


def pre_fork(server: Any, worker: Any) -> None:
    """In gunicorn's master, before a web process starts: the CPU fewest of its running siblings are
    kept on, so processes replaced after ``--max-requests`` stay spread out."""
    if CPUS:
        taken = Counter(getattr(sibling, "cpu", None) for sibling in server.WORKERS.values())
        worker.cpu = min(CPUS, key=lambda cpu: (taken[cpu], cpu))


def post_fork(server: Any, worker: Any) -> None:
    """In the new web process, before its threads start (they inherit it): keep it on its CPU."""
    cpu = getattr(worker, "cpu", None)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


# ``WEB_KEEPALIVE_REQUESTS``, handed over by ``serve``.
KEEPALIVE_REQUESTS = int(env("SESSIONDESK_KEEPALIVE_REQUESTS", "0") or 0)


def pre_request(worker: Any, req: Any) -> None:
    """Close a kept-alive connection after every ``KEEPALIVE_REQUESTS``-th request on it (its
    response says ``Connection: close``, so a client or proxy never sends on it again).

    A connection stays with the web process that accepted it, so a few busy clients (a proxy's
    connections, a script) can load one process while another idles. A client that connects again is
    accepted by whichever process takes it first, most often the one with time to spare, so the
    load evens out; measured in docs/performance.md."""
    if KEEPALIVE_REQUESTS and req.req_number % KEEPALIVE_REQUESTS == 0:
        req.must_close = True
