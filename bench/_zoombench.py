"""Shared pieces of the meeting-sync benchmarks: a Zoom emulator in its own process, an organisation
whose consultants are Zoom hosts in one Zoom account (personal connections made through the
emulator's OAuth endpoints), worker processes, and reading what the emulator holds."""

import contextlib
import json
import subprocess
import tempfile
from collections.abc import Iterator
from typing import Any

import httpx
from _common import PYTHON, ROOT, django_run, free_port, wait_for

ACCOUNT = "acct-bench"
REDIRECT = "http://127.0.0.1/integrations/zoom/callback/"
SCOPES = [
    "meeting:write:meeting",
    "meeting:read:meeting",
    "meeting:update:meeting",
    "meeting:delete:meeting",
    "meeting:read:list_meetings",
    "user:read:user",
    # Personal links (each client's own join link, docs/personal-links.md).
    "meeting:write:registrant",
    "meeting:write:batch_registrants",
    "meeting:read:list_registrants",
    "meeting:update:registrant_status",
]

SERVE = """
import signal, sys, threading
from zoom_emulator.app import create_app
from zoom_emulator.server import make_server
app = create_app()
server = make_server(app, "127.0.0.1", {port}, threads={threads})
app.state.settings.base_url = server.url
app.state.settings.webhook_mode = "manual"
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.close, daemon=True).start())
server.run()
"""

SETUP = """
import datetime as dt
import httpx
from django.conf import settings
from django.utils import timezone
from sessiondesk.accounts.actions import add_member, create_organization
from sessiondesk.accounts.tokens import create_token
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from sessiondesk.scheduling.models import AvailabilityRule, SessionType
owner = create_organization(name="Bench", slug="bench", owner_email="owner@bench.test", owner_name="Owner",
                            password="bench-password", timezone="UTC")
org = owner.org
lesson = SessionType.objects.get(org=org, name="Lesson")
consultants = []
for i in range({hosts}):
    m = add_member(org, email=f"host{{i}}@bench.test", name=f"Host {{i}}", role="consultant",
                   password=None, timezone="UTC")
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(member=m, weekday=d, start_time=dt.time(0), end_time=dt.time(23, 59)) for d in range(7))
    code = httpx.post(settings.ZOOM_OAUTH_URL + "/_emulator/oauth/authorize",
                      json={{"client_id": settings.ZOOM_CLIENT_ID, "user": f"host{{i}}@bench.test",
                             "redirect_uri": "{redirect}"}}).json()["code"]
    tokens = client.exchange_code(code, code_verifier="", redirect_uri="{redirect}", kind="personal")
    me = client.get_me(tokens.access_token)
    connection = ZoomConnection.objects.create(
        org=org, member=m, kind="personal", zoom_user_id=me.id, zoom_account_id=me.account_id,
        zoom_email=me.email, zoom_role=me.role_label, granted_scopes=tokens.scope)
    ZoomTokenSet.objects.create(connection=connection, access_token=tokens.access_token,
        refresh_token=tokens.refresh_token, expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in))
    consultants.append(m.pk)
_, token = create_token(owner, "bench")
print(json.dumps({{"token": token, "consultants": consultants, "lesson": lesson.pk, "org": org.pk}}))
"""


@contextlib.contextmanager
def emulator(threads: int = 64) -> Iterator[httpx.Client]:
    """A Zoom emulator in its own process (so it never competes for this process's GIL)."""
    port = free_port()
    # Its log goes to a file: waitress complains about keep-alive connections it drops on the way out.
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            [PYTHON, "-c", SERVE.format(port=port, threads=threads)], cwd=ROOT, stdout=log, stderr=log
        )
        zoom = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        try:
            wait_for(f"http://127.0.0.1:{port}/_emulator/clock", "the Zoom emulator", log=log)
            yield zoom
        finally:
            zoom.close()
            proc.terminate()
            proc.wait(timeout=20)


def zoom_env(env: dict[str, str], zoom: httpx.Client, **extra: object) -> dict[str, str]:
    url = str(zoom.base_url).rstrip("/")
    return {
        **env,
        "ZOOM_OAUTH_URL": url,
        "ZOOM_API_URL": url + "/v2",
        "LOG_LEVEL": "WARNING",
        **{key: str(value) for key, value in extra.items()},
    }


def seed(env: dict[str, str], zoom: httpx.Client, hosts: int) -> dict[str, Any]:
    """One Zoom account with ``hosts`` users, each a consultant of one organisation with a personal
    connection. Returns the organisation's ids, its consultants' ids and an API token."""
    client_id, secret = django_run(
        env,
        "from django.conf import settings; "
        "print(json.dumps([settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET]))",
    )
    app = {
        "client_id": client_id,
        "client_secret": secret,
        "type": "user",
        "name": "SessionDesk",
        "redirect_uris": [REDIRECT],
        "scopes": SCOPES,
    }
    users = [{"email": "owner@bench.test", "first_name": "Bench", "last_name": "Owner", "role": "owner"}]
    users += [
        {"email": f"host{i}@bench.test", "first_name": "Host", "last_name": str(i)} for i in range(hosts)
    ]
    zoom.post(
        "/_emulator/seed",
        json={"accounts": [{"id": ACCOUNT, "plan": "business", "users": users}], "apps": [app]},
    ).raise_for_status()
    made = django_run(env, SETUP.format(hosts=hosts, redirect=REDIRECT))
    zoom.delete("/_emulator/requests").raise_for_status()
    return made


def rate_limit(zoom: httpx.Client, per_second: int) -> None:
    """The account's per-second limit for every category (Light, Medium, Heavy)."""
    limits = {"Light": per_second, "Medium": per_second, "Heavy": per_second}
    zoom.put(
        "/_emulator/ratelimits", json={"enabled": True, "accounts": {ACCOUNT: limits}}
    ).raise_for_status()


def latency(zoom: httpx.Client, ms: int, path: str = "/v2/*", methods: list[str] | None = None) -> None:
    if ms <= 0:
        return
    fault: dict[str, Any] = {"kind": "latency", "path": path, "latency": {"fixed_ms": ms}}
    if methods:
        fault["methods"] = methods
    zoom.post("/_emulator/faults", json=fault).raise_for_status()


def requests(zoom: httpx.Client, **query: str) -> list[dict[str, Any]]:
    return zoom.get("/_emulator/requests", params=query).json()["requests"]


def live_meetings(zoom: httpx.Client) -> list[dict[str, Any]]:
    """Every meeting the emulator holds and has not deleted."""
    state = zoom.get("/_emulator/state").json()
    meetings = state["meetings"]
    rows = meetings.values() if isinstance(meetings, dict) else meetings
    return [m for m in rows if not m.get("deleted_at")]


@contextlib.contextmanager
def workers(env: dict[str, str], processes: int, concurrency: int) -> Iterator[list[subprocess.Popen]]:
    """``sessiondesk worker --concurrency N`` processes, stopped (SIGTERM) on the way out."""
    procs = [
        subprocess.Popen(
            [PYTHON, "-m", "sessiondesk", "worker", "--concurrency", str(concurrency)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(processes)
    ]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def dump(result: dict[str, Any]) -> None:
    print(json.dumps(result))


CONNECT = """
import datetime as dt
import httpx
from django.conf import settings
from django.utils import timezone
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
for m in Member.objects.filter(user__email__in={emails}).select_related("org", "user"):
    code = httpx.post(settings.ZOOM_OAUTH_URL + "/_emulator/oauth/authorize",
                      json={{"client_id": settings.ZOOM_CLIENT_ID, "user": m.user.email,
                             "redirect_uri": "{redirect}"}}).json()["code"]
    tokens = client.exchange_code(code, code_verifier="", redirect_uri="{redirect}", kind="personal")
    me = client.get_me(tokens.access_token)
    connection = ZoomConnection.objects.create(
        org=m.org, member=m, kind="personal", zoom_user_id=me.id, zoom_account_id=me.account_id,
        zoom_email=me.email, zoom_role=me.role_label, granted_scopes=tokens.scope)
    ZoomTokenSet.objects.create(connection=connection, access_token=tokens.access_token,
        refresh_token=tokens.refresh_token, expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in))
print(json.dumps({{"connected": ZoomConnection.objects.count()}}))
"""


def connect_members(env: dict[str, str], zoom: httpx.Client, emails: list[str]) -> int:
    """Make the members with these emails Zoom hosts in one Zoom account (personal connections)."""
    client_id, secret = django_run(
        env,
        "from django.conf import settings; "
        "print(json.dumps([settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET]))",
    )
    app = {
        "client_id": client_id,
        "client_secret": secret,
        "type": "user",
        "name": "SessionDesk",
        "redirect_uris": [REDIRECT],
        "scopes": SCOPES,
    }
    users = [{"email": email, "first_name": "Host", "last_name": str(i)} for i, email in enumerate(emails)]
    users[0]["role"] = "owner"
    zoom.post(
        "/_emulator/seed",
        json={"accounts": [{"id": ACCOUNT, "plan": "business", "users": users}], "apps": [app]},
    ).raise_for_status()
    connected = django_run(env, CONNECT.format(emails=emails, redirect=REDIRECT))["connected"]
    zoom.delete("/_emulator/requests").raise_for_status()
    return int(connected)
