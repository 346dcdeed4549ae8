"""Scale-out on PostgreSQL: two web processes (`sessiondesk serve`) and two workers against one
database. Clients book through the public pages of both web processes at once; every booking gets
exactly one Zoom meeting (in the emulator, served on a real port) and each email exactly once.

Runs only when the suite runs on PostgreSQL (SQLite is one machine's embedded default)."""

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from cryptography.fernet import Fernet

from sessiondesk.integrations.zoom.connection import scopes
from zoom_emulator import seed
from zoom_emulator.app import create_app
from zoom_emulator.server import make_server

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="scale-out runs on PostgreSQL only (DATABASE_URL=postgres://…)",
)

BOOKINGS_PER_CALENDAR = 6
CONSULTANTS = 2
APP = ("scale-personal", "scale-personal-secret")

SEED = """
import datetime as dt, json, os
import django
django.setup()
from django.utils import timezone
from sessiondesk.accounts.actions import add_member, create_organization
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from sessiondesk.scheduling.models import AvailabilityRule, Calendar, SessionType
import httpx

owner = create_organization(name="Scale", slug="scale", owner_email="owner@scale.test", owner_name="Owner",
                            password="scale-password", timezone="UTC")
org = owner.org
kind = SessionType.objects.create(org=org, name="Zoom lesson", duration_minutes=60, is_online=True,
                                  default_provider="zoom")
redirect = os.environ["ZOOM_REDIRECT_URL"]
for i in range({consultants}):
    member = add_member(org, email=f"c{{i}}@scale.test", name=f"Consultant {{i}}", role="consultant",
                        password=None, timezone="UTC")
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(member=member, weekday=d, start_time=dt.time(0), end_time=dt.time(23, 59)) for d in range(7))
    calendar = Calendar.objects.create(org=org, name=f"Cal {{i}}", slug=f"cal-{{i}}", session_type=kind,
                                       min_notice_minutes=0, max_days_ahead=365, slot_interval_minutes=60)
    calendar.members.set([member])
    answer = httpx.post(os.environ["ZOOM_OAUTH_URL"] + "/_emulator/oauth/authorize",
                        json={{"client_id": os.environ["ZOOM_CLIENT_ID"], "user": f"c{{i}}@zoom.scale.test",
                              "redirect_uri": redirect}})
    tokens = client.exchange_code(answer.json()["code"], code_verifier="", redirect_uri=redirect, kind="personal")
    me = client.get_me(tokens.access_token)
    connection = ZoomConnection.objects.create(org=org, member=member, kind="personal", zoom_user_id=me.id,
        zoom_account_id=me.account_id, zoom_email=me.email, zoom_role=me.role_label, granted_scopes=tokens.scope)
    ZoomTokenSet.objects.create(connection=connection, access_token=tokens.access_token,
        refresh_token=tokens.refresh_token, expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in))
print(json.dumps({{"ok": True}}))
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database() -> Iterator[str]:
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"sd_scale_{os.getpid()}"
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def zoom() -> Iterator[Any]:
    app = create_app()
    server = make_server(app, "127.0.0.1", 0).start()
    users = [
        {"email": f"c{i}@zoom.scale.test", "first_name": "Consultant", "last_name": str(i), "role": "member"}
        for i in range(CONSULTANTS)
    ]
    registered = {
        "client_id": APP[0],
        "client_secret": APP[1],
        "type": "user",
        "name": "SessionDesk",
        "redirect_uris": ["https://desk.scale.test/integrations/zoom/callback/"],
        "scopes": scopes.registration_list("personal"),
    }
    seed.load(
        app.state, {"accounts": [{"id": "acct-scale", "plan": "pro", "users": users}], "apps": [registered]}
    )
    yield server
    server.close()


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the process exited early"
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def book(base: str, calendar: str, start: dt.datetime, index: int) -> int:
    with httpx.Client(base_url=base, timeout=30) as web:
        page = web.get(f"/book/scale/{calendar}/")
        assert page.status_code == 200
        path = f"/book/scale/{calendar}/details/"
        response = web.post(
            path,
            data={
                "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "tz": "UTC",
                "name": f"Client {index}",
                "email": f"client{index}@scale.test",
                "csrfmiddlewaretoken": web.cookies.get("csrftoken", ""),
            },
            headers={"Referer": base + path},
        )
        return response.status_code


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def test_it_books_through_two_web_processes_and_two_workers_each_meeting_and_email_once(
    database: str, zoom: Any, tmp_path: Any
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "scale-" + "x" * 50,
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ZOOM_CLIENT_ID": APP[0],
        "ZOOM_CLIENT_SECRET": APP[1],
        "ZOOM_OAUTH_URL": zoom.url,
        "ZOOM_API_URL": zoom.url + "/v2",
        "ZOOM_REDIRECT_URL": "https://desk.scale.test/integrations/zoom/callback/",
        "SITE_URL": "https://desk.scale.test",
        "ALLOWED_HOSTS": "127.0.0.1,desk.scale.test",
        "WORKER_POLL_SECONDS": "0.2",
        "EMAIL_LINK_WAIT_SECONDS": "30",
        # The emails are counted in the development mailbox.
        "DEV_MAILBOX": "true",
        "LOG_FORMAT": "json",
        # Every booking comes from this machine's loopback address: lift the per-address limit.
        "RATE_LIMIT_BOOKING": "1000/3600",
        "DJANGO_SETTINGS_MODULE": "sessiondesk.settings",
    }
    env.pop("EMAIL_HOST", None)
    python = [sys.executable, "-m", "sessiondesk"]
    subprocess.run([*python, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    done = subprocess.run(
        [sys.executable, "-c", SEED.format(consultants=CONSULTANTS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    procs: list[subprocess.Popen[bytes]] = []
    with contextlib.ExitStack() as files:
        try:
            bases = []
            for n in range(2):
                port = free_port()
                home = tempfile.mkdtemp(dir=tmp_path)
                log = files.enter_context(open(tmp_path / f"web{n}.log", "wb"))
                procs.append(
                    subprocess.Popen(
                        [*python, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
                        env={**env, "SESSIONDESK_HOME": home},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
                bases.append(f"http://127.0.0.1:{port}")
            for n in range(2):
                log = files.enter_context(open(tmp_path / f"worker{n}.log", "wb"))
                procs.append(
                    subprocess.Popen(
                        [*python, "worker", "--concurrency", "2"],
                        env={**env, "SESSIONDESK_HOME": tempfile.mkdtemp(dir=tmp_path)},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            for base, proc in zip(bases, procs[:2], strict=True):
                wait_for(base + "/healthz", proc)

            day = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
                days=3
            )
            jobs = [
                (bases[(c + k) % 2], f"cal-{c}", day + dt.timedelta(hours=2 * k), c * 100 + k)
                for c in range(CONSULTANTS)
                for k in range(BOOKINGS_PER_CALENDAR)
            ]
            statuses: list[int] = []
            lock = threading.Lock()

            def run(job: tuple[str, str, dt.datetime, int]) -> None:
                status = book(*job)
                with lock:
                    statuses.append(status)

            threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert statuses == [303] * len(jobs)
            total = len(jobs)

            # Both workers converge: every link active, every email sent, nothing left to do.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                links = dict(
                    query(database, "SELECT state, count(*) FROM meetings_meetinglink GROUP BY state")
                )
                emails = dict(
                    query(database, "SELECT state, count(*) FROM notifications_outboundemail GROUP BY state")
                )
                if links == {"active": total} and set(emails) == {"sent"}:
                    break
                time.sleep(0.5)
            assert links == {"active": total}, links
            assert set(emails) == {"sent"}, emails
            assert readiness(bases[0]) == {"database": "ok", "worker": "ok"}

            # Zoom: one meeting per booking, created once.
            meetings = [
                (m.host_id, m.start_time) for m in zoom.app.state.meetings.values() if m.deleted_at is None
            ]
            assert len(meetings) == total
            assert len(set(meetings)) == total
            assert len(zoom.app.state.meetings) == total
            stored = query(database, "SELECT count(DISTINCT external_id) FROM meetings_meetinglink")
            assert stored == [(total,)]
            assert {
                int(i) for (i,) in query(database, "SELECT external_id FROM meetings_meetinglink")
            } == set(zoom.app.state.meetings)
            creates = query(
                database, "SELECT count(*) FROM meetings_callattempt WHERE operation = 'meetings.create'"
            )
            assert creates == [(total,)]
            sessions = query(database, "SELECT count(*), count(DISTINCT start) FROM scheduling_session")
            assert sessions == [(total, BOOKINGS_PER_CALENDAR)]

            # Emails: each one sent once and delivered once; every client got theirs.
            duplicates = query(
                database,
                'SELECT session_id, kind, "to", count(*) FROM notifications_outboundemail '
                'GROUP BY session_id, kind, "to" HAVING count(*) > 1',
            )
            assert duplicates == []
            sent = query(database, "SELECT count(*) FROM notifications_outboundemail WHERE state = 'sent'")[
                0
            ][0]
            delivered = query(database, "SELECT count(*) FROM notifications_mailboxmessage")[0][0]
            assert delivered == sent
            clients = query(
                database,
                'SELECT count(DISTINCT "to") FROM notifications_outboundemail WHERE "to" LIKE \'client%@scale.test\'',
            )
            assert clients == [(total,)]
            heartbeats = query(database, "SELECT count(*) FROM meetings_workerheartbeat")
            assert heartbeats == [(2,)]
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    for n in range(2):
        web_log = (tmp_path / f"web{n}.log").read_text()
        # LOG_FORMAT=json: every line, gunicorn's included, is a JSON object; both served bookings.
        entries = [json.loads(line) for line in web_log.splitlines()]
        assert entries[0]["message"].startswith("Serving SessionDesk on 127.0.0.1:")
        assert any(e["logger"] == "gunicorn.error" for e in entries)
        booked = [
            e for e in entries if e.get("route") == "/book/<slug:org_slug>/<slug:calendar_slug>/details/"
        ]
        assert booked and {e["status"] for e in booked} == {303}


def readiness(base: str) -> dict[str, str]:
    return json.loads(httpx.get(base + "/readyz", timeout=10).text)["checks"]
