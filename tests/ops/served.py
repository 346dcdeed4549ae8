"""`sessiondesk serve` started for a test, on the test's database, in a folder of its own."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from django.conf import settings as django_settings
from django.db import connection


def database_url() -> str:
    """The ``DATABASE_URL`` of the test's own database, for a process the test starts."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def serve(home: Path, *args: str, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start ``serve`` with ``args`` and the variables ``env``; yield its base URL, once it answers
    (``/readyz``, a route tests do not count), and its process; stop it at the end."""
    environ = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SESSIONDESK_HOME": str(home),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "sessiondesk.settings",
        **env,
    }
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    argv = [sys.executable, "-m", "sessiondesk", "serve", "--bind", f"127.0.0.1:{port}", *args]
    server = subprocess.Popen(argv, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # A probe that times out is still answered later: a test counting requests counts others.
                if httpx.get(base + "/readyz", timeout=2).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (on Linux, from ``/proc``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def web_processes(server: subprocess.Popen, count: int) -> list[int]:
    """The web processes of a started ``serve``, once ``count`` of them run (at most a minute)."""
    deadline = time.monotonic() + 60
    processes = children(server.pid)
    while len(processes) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        processes = children(server.pid)
    return processes
