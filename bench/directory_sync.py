"""Zoom directory sync at scale: a Zoom account of 10,000 users in 50 groups, synced from scratch,
then kept current incrementally from webhooks, then fully re-synced with nothing changed.

The emulator runs on loopback with its rate limits on (Pro: 20 Medium calls a second per account)
and SessionDesk paces its calls at that rate. Each backend runs in its own process on a fresh
instance. Prints per-backend figures, then one JSON object last:

- ``full``: list calls made (roles + groups + users of each status at 300 a page), seconds, rows
  written (users, roles, groups, memberships), 429 answers received;
- ``incremental``: the Zoom-side changes made, webhooks processed, list/get calls made, rows written;
- ``resync``: the same full sync again, with nothing changed.

    .venv/bin/python bench/directory_sync.py [--users 10000] [--groups 50] [--changes 200] [--backends sqlite,postgresql]
"""

import argparse
import json
import math
import subprocess
import sys

import httpx
from _common import PYTHON, database, django_run

REDIRECT = "http://127.0.0.1/integrations/zoom/callback/"

APP = """
from django.conf import settings
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.devseed import DIRECTORY_EVENTS
print(json.dumps([settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET,
                  scopes.registration_list("organization"), DIRECTORY_EVENTS]))
"""

CHILD = r"""
import json, time, sys
import django
django.setup()
import httpx
from django.conf import settings
from sessiondesk.accounts.actions import create_organization
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.integrations.zoom.directory import sync
from sessiondesk.integrations.zoom.models import WebhookEvent, ZoomConnection, ZoomTokenSet
from django.utils import timezone
import datetime as dt

settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 20  # Zoom Pro's Medium limit (GET /users, /roles, /groups)
zoom = httpx.Client(base_url=settings.ZOOM_OAUTH_URL, timeout=60)
owner = create_organization(name="Bench", slug="bench", owner_email="owner@bench.test", owner_name="Owner",
                            password="bench-password", timezone="UTC")
code = zoom.post("/_emulator/oauth/authorize", json={"client_id": settings.ZOOM_ORG_CLIENT_ID,
                 "user": "owner@bench.test", "redirect_uri": "%(redirect)s"}).json()["code"]
tokens = client.exchange_code(code, code_verifier="", redirect_uri="%(redirect)s", kind="organization")
me = client.get_me(tokens.access_token)
connection = ZoomConnection.objects.create(org=owner.org, member=owner, kind="organization",
    zoom_user_id=me.id, zoom_account_id=me.account_id, zoom_email=me.email, granted_scopes=tokens.scope)
ZoomTokenSet.objects.create(connection=connection, access_token=tokens.access_token,
    refresh_token=tokens.refresh_token, expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in))

from sessiondesk.integrations.zoom.directory.models import DirectoryUser, GroupMembership

def snapshot():
    users = {u[0]: u for u in DirectoryUser.objects.values_list(
        "email", "zoom_user_id", "status", "user_type", "role_id", "first_name", "last_name", "member_id")}
    return users, set(GroupMembership.objects.values_list("user__email", "group__zoom_group_id"))

def rows_changed(before, after):
    # Rows inserted, updated or deleted between two snapshots of the directory tables.
    users = sum(before[0].get(k) != after[0].get(k) for k in set(before[0]) | set(after[0]))
    return users + len(before[1] ^ after[1])

def api_calls(since):
    rows = zoom.get("/_emulator/requests", params={"since_id": since}).json()["requests"]
    return [r for r in rows if r["path"].startswith("/v2/")]

def last_id():
    rows = zoom.get("/_emulator/requests").json()["requests"]
    return max((r["id"] for r in rows), default=0)

def full():
    since = last_id()
    started = time.perf_counter()
    state = sync.run(owner.org)
    seconds = time.perf_counter() - started
    calls = api_calls(since)
    return {"list_calls": state.list_calls, "user_list_calls": sum(c["path"] == "/v2/users" and c["status"] == 200 for c in calls),
            "rate_limited": sum(c["status"] == 429 for c in calls), "seconds": round(seconds, 2),
            "rows_written": state.rows_written, "state": state.state}

result = {"full": full()}
# Incremental: changes made inside Zoom arrive as webhooks (taken from the emulator's delivery log
# and stored as the webhook view stores them), then the worker's webhook job processes them.
changes = %(changes)d
headers = {"Authorization": "Bearer " + ZoomTokenSet.objects.get(connection=connection).access_token}
since = last_id()
zoom.delete("/_emulator/webhooks/deliveries")
share = changes // 5

def in_zoom(method, url, **kwargs):
    # An admin working inside Zoom: the account's rate limits apply to them too.
    while (answer := zoom.request(method, url, headers=headers, **kwargs)).status_code == 429:
        time.sleep(1)
    answer.raise_for_status()

for n in range(share):
    in_zoom("POST", "/v2/users", json={"action": "create", "user_info": {"email": f"new{n}@bench.test", "type": 1, "first_name": "New"}})
    in_zoom("PATCH", f"/v2/users/zu-{n:05}", json={"last_name": f"Renamed {n}"})
    in_zoom("PUT", f"/v2/users/zu-{n + share:05}/status", json={"action": "deactivate"})
    in_zoom("DELETE", f"/v2/users/zu-{n + 2 * share:05}")
    in_zoom("POST", "/v2/groups/g-00/members", json={"members": [{"id": f"zu-{n + 3 * share:05}"}]})
made = sum(c["status"] < 300 for c in api_calls(since))
zoom.post("/_emulator/webhooks/flush", json={"timeout": 60})
deliveries = zoom.get("/_emulator/webhooks/deliveries").json()["deliveries"]
since = last_id()
before = snapshot()
started = time.perf_counter()
for d in deliveries:  # the body exactly as Zoom sent it
    receive.receive(d["event"], json.loads(d["body"]), d["body"].encode())
processed = 0
while True:
    done = receive.process_due(100)
    processed += done
    if not done:
        break
seconds = time.perf_counter() - started
result["incremental"] = {"changes_in_zoom": made, "webhooks": len(deliveries), "processed": processed,
                         "api_calls": len(api_calls(since)), "seconds": round(seconds, 2), "rows_written": rows_changed(before, snapshot()),
                         "failed": WebhookEvent.objects.exclude(error="").count()}
result["resync"] = full()
print(json.dumps(result))
"""


def seed_emulator(app, users: int, groups: int) -> None:  # type: ignore[no-untyped-def]
    """10,000 users straight into the emulator's state (its seed endpoint checks emails one by one)."""
    from zoom_emulator.groups.models import Group
    from zoom_emulator.users.models import User

    state = app.state
    with state.lock:
        for g in range(groups):
            group = Group(f"g-{g:02}", "acct-bench", f"Group {g:02}")
            state.groups[group.id] = group
            state.group_members[group.id] = []
        for n in range(users):
            group_id = f"g-{n % groups:02}"
            user = User(
                id=f"zu-{n:05}",
                account_id="acct-bench",
                email=f"user{n:05}@bench.test",
                first_name="User",
                last_name=f"{n:05}",
                type=2 if n % 3 else 1,
                created_at=float(n),
                group_ids=[group_id],
            )
            state.users[user.id] = user
            state.group_members[group_id].append(user.id)


def run(backend: str, users: int, groups: int, changes: int) -> dict:
    from zoom_emulator.app import create_app
    from zoom_emulator.server import make_server

    app = create_app()
    app.state.settings.webhook_mode = "manual"
    app.state.webhook_transport = lambda url, body, headers: httpx.Response(200)
    server = make_server(app, "127.0.0.1", 0).start()
    zoom = httpx.Client(base_url=server.url)
    try:
        with database(backend) as env:
            env = {
                **env,
                "ZOOM_OAUTH_URL": server.url,
                "ZOOM_API_URL": server.url + "/v2",
                "LOG_LEVEL": "WARNING",
            }
            subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
            client_id, secret, scopes, events = django_run(env, APP)
            app_seed = {
                "client_id": client_id,
                "client_secret": secret,
                "type": "admin",
                "name": "SessionDesk",
                "redirect_uris": [REDIRECT],
                # The status scope lets the bench act as an admin inside Zoom (SessionDesk does not ask for it).
                "scopes": [*scopes, "user:update:status:admin"],
                "webhook": {"url": "http://127.0.0.1/hook", "secret_token": "bench", "events": events},
            }
            owner = {
                "email": "owner@bench.test",
                "first_name": "Bench",
                "last_name": "Owner",
                "role": "owner",
            }
            zoom.post(
                "/_emulator/seed",
                json={
                    "accounts": [{"id": "acct-bench", "plan": "pro", "users": [owner]}],
                    "apps": [app_seed],
                },
            ).raise_for_status()
            seed_emulator(app, users, groups)
            code = CHILD % {"redirect": REDIRECT, "changes": changes}
            done = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"the sync process failed:\n{done.stderr[-4000:]}")
            return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        zoom.close()
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    total = args.users + 1  # and the owner who authorised SessionDesk
    results: dict = {
        "users": total,
        "groups": args.groups,
        "minimum_user_list_calls": math.ceil(total / 300),
    }
    for backend in args.backends.split(","):
        results[backend] = run(backend, args.users, args.groups, args.changes)
        print(f"{backend}: {results[backend]}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
