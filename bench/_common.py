"""Shared pieces of the benchmark scripts: instances in temporary folders, servers, statistics."""

import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def profile(pid: int, name: str, seconds: float) -> subprocess.Popen | None:
    """When ``BENCH_PROFILE`` names a folder, sample process ``pid`` and its children with py-spy for
    ``seconds`` (from now), as collapsed stacks in ``<folder>/<name>-<pid>.txt`` (``flamegraph.pl``
    and speedscope read them). Wait for the returned process before reading the file.
    ``BENCH_PROFILE_GIL=1`` keeps only samples of threads holding the GIL: without it, a thread that
    waits inside psycopg or httpcore counts as busy."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    out = Path(folder) / f"{name}-{pid}.txt"
    spy = Path(PYTHON).with_name("py-spy")
    argv = [str(spy), "record", "--pid", str(pid), "--subprocesses", "--duration", str(int(seconds))]
    argv += ["--rate", "250", "--format", "raw", "--output", str(out)]
    if os.environ.get("BENCH_PROFILE_GIL") == "1":
        argv.append("--gil")
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def summary(latencies_ms: list[float], errors: int, seconds: float) -> dict[str, float | int]:
    return {
        "requests": len(latencies_ms) + errors,
        "errors": errors,
        "p50_ms": round(statistics.median(latencies_ms), 1) if latencies_ms else 0.0,
        "p99_ms": round(percentile(latencies_ms, 0.99), 1),
        "rps": round((len(latencies_ms) + errors) / seconds, 1) if seconds else 0.0,
    }


@contextlib.contextmanager
def database(kind: str) -> Iterator[dict[str, str]]:
    """Environment for a fresh instance on SQLite or on a throw-away PostgreSQL database; its
    instance folder and database are removed afterwards."""
    home = tempfile.mkdtemp(prefix="sessiondesk-bench-")
    env = {**os.environ, "SESSIONDESK_HOME": home, "DJANGO_SETTINGS_MODULE": "sessiondesk.settings"}
    env.pop("DATABASE_URL", None)
    # A benchmark books from one loopback address far more often than any person could.
    env.setdefault("RATE_LIMIT_BOOKING", "1000000/3600")
    # The workers' emails are kept in the development mailbox, as in `sessiondesk up`, not sent.
    if not env.get("EMAIL_HOST"):
        env.setdefault("DEV_MAILBOX", "true")
    try:
        if kind == "sqlite":
            yield env
        else:
            yield from _postgresql(env)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _postgresql(env: dict[str, str]) -> Iterator[dict[str, str]]:
    import psycopg

    name = f"sessiondesk_bench_{os.getpid()}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def django_run(env: dict[str, str], code: str, under: tuple[str, ...] = ()) -> dict:
    """Run ``code`` in a configured Django process, started through the command ``under`` if given
    (a profiler); it prints one JSON object last, returned with the process's stderr as ``"stderr"``
    when ``under`` is given."""
    prelude = "import django, json; django.setup()\n"
    done = subprocess.run(
        [*under, PYTHON, "-c", prelude + code], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"setup failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if under:
        result["stderr"] = done.stderr
    return result


def wait_for(url: str, what: str, seconds: float = 30, log: IO[str] | None = None) -> None:
    """Return once ``url`` answers 200; after ``seconds`` stop the benchmark saying ``what`` did not
    start (with the server's ``log`` when there is one)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    detail = ""
    if log is not None:
        log.seek(0)
        detail = ":\n" + log.read()
    raise SystemExit(f"{what} did not start{detail}")


@contextlib.contextmanager
def serve(
    env: dict[str, str], workers: int | None = None, threads: int | None = None
) -> Iterator[tuple[str, int]]:
    """``sessiondesk serve`` on a free port, with its own defaults unless ``workers`` or ``threads``
    are given; yields the URL and the pid of gunicorn's master (serve becomes gunicorn)."""
    port = free_port()
    argv = [PYTHON, "-m", "sessiondesk", "serve", "--bind", f"127.0.0.1:{port}"]
    argv += ["--workers", str(workers)] if workers else []
    argv += ["--threads", str(threads)] if threads else []
    # Its log (a line per request at the default level, as in production) goes to a file.
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url + "/login/", "the web server", seconds=60, log=log)
            yield url, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=40)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and of its children still running, from /proc."""
    return _cpu_seconds(lambda entry, fields: int(entry.name) == pid or int(fields[1]) == pid)


def database_cpu_seconds(env: dict[str, str]) -> float:
    """CPU time (user + system) of the PostgreSQL server processes serving the instance ``env``'s
    database, on this machine, from /proc; 0 for SQLite, which runs inside the processes using it."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return 0.0
    name = url.rsplit("/", 1)[-1]

    def serves(entry: Path, fields: list[str]) -> bool:
        # A backend names itself "postgres: [<cluster>: ]<user> <database> <address> <state>".
        words = (entry / "cmdline").read_bytes().decode(errors="replace").split()
        return words[:1] == ["postgres:"] and name in words

    return _cpu_seconds(serves)


def _cpu_seconds(counted: Callable[[Path, list[str]], bool]) -> float:
    """CPU time (user + system) of the processes ``counted`` picks by their /proc entry and the
    fields of its ``stat`` after the command (state, ppid, ...; utime and stime 12th and 13th)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if counted(entry, fields):
                total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue  # gone meanwhile
    return total


def analyze(env: dict[str, str]) -> None:
    """Bring the database's statistics up to date, as a running server's are: PostgreSQL's
    autovacuum analyses a table within a minute of its rows changing, and SessionDesk's SQLite
    connections run ``PRAGMA optimize`` as they close. A benchmark that books right after seeding
    would otherwise run plans made for the tables' first few rows: a PostgreSQL connection keeps the
    plan of a statement it prepared while its database was nearly empty."""
    code = "from django.db import connection\nconnection.cursor().execute('ANALYZE')\nprint('{}')"
    django_run(env, code)


def migrate(env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run(
        [PYTHON, "-m", "sessiondesk", "collectstatic", "--noinput", "-v", "0"], env=env, check=True
    )
