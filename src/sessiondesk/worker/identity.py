"""How a worker names itself: in its heartbeat (per process) and in the leases it holds (per thread)."""

import os
import socket
import threading


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_name() -> str:
    """Who holds a lease: unique per process and thread."""
    return f"{worker_name()}:{threading.get_ident()}"
