"""Refresh race: K processes × T threads all need the same Zoom connection's token the moment it
expires. Single-flight refresh means Zoom sees exactly one refresh and nobody gets invalid_grant.

The emulator is served on loopback; the token is expired through its control plane (and in the
database). Prints per-backend figures, then one JSON object last: refreshes made (from the
emulator's request log), callers served, invalid_grant count, errors, p50/p99 wait in ms.

    .venv/bin/python bench/refresh_race.py [--processes 4] [--threads 8] [--backends sqlite,postgresql]
"""

import argparse
import json
import subprocess
import sys
import time

import httpx
from _common import PYTHON, ROOT, database, django_run, percentile

SETUP = """
import datetime as dt
import httpx
from django.conf import settings
from django.utils import timezone
from sessiondesk.accounts.actions import create_organization
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
owner = create_organization(name="Bench", slug="bench", owner_email="owner@bench.test", owner_name="Owner",
                            password="bench-password", timezone="UTC")
code = httpx.post(settings.ZOOM_OAUTH_URL + "/_emulator/oauth/authorize",
                  json={{"client_id": settings.ZOOM_CLIENT_ID, "user": "owner@bench.test",
                        "redirect_uri": "{redirect}"}}).json()["code"]
tokens = client.exchange_code(code, code_verifier="", redirect_uri="{redirect}", kind="personal")
me = client.get_me(tokens.access_token)
connection = ZoomConnection.objects.create(
    org=owner.org, member=owner, kind="personal", zoom_user_id=me.id, zoom_account_id=me.account_id,
    zoom_email=me.email, granted_scopes=tokens.scope)
# Already expired on our side: every caller needs a refresh.
ZoomTokenSet.objects.create(connection=connection, access_token=tokens.access_token,
    refresh_token=tokens.refresh_token, expires_at=timezone.now() - dt.timedelta(seconds=1))
print(json.dumps({{"connection": connection.pk}}))
"""

REDIRECT = "http://127.0.0.1/integrations/zoom/callback/"


# One racing process: the same script the token-race test starts.
CHILD = ROOT / "tests" / "integrations" / "zoom" / "race_child.py"


def race(backend: str, processes: int, threads: int) -> dict:
    from zoom_emulator.app import create_app
    from zoom_emulator.server import make_server

    server = make_server(create_app(), "127.0.0.1", 0, threads=32).start()
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
            seed = django_run(
                env,
                "from django.conf import settings; print(json.dumps([settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET]))",
            )
            apps = [
                {
                    "client_id": seed[0],
                    "client_secret": seed[1],
                    "type": "user",
                    "name": "SessionDesk",
                    "redirect_uris": [REDIRECT],
                    "scopes": ["meeting:write:meeting", "user:read:user"],
                }
            ]
            users = [
                {"email": "owner@bench.test", "first_name": "Bench", "last_name": "Owner", "role": "owner"}
            ]
            zoom.post(
                "/_emulator/seed",
                json={"accounts": [{"id": "acct-bench", "plan": "pro", "users": users}], "apps": apps},
            ).raise_for_status()
            connection_id = django_run(env, SETUP.format(redirect=REDIRECT))["connection"]
            zoom.post("/_emulator/tokens/expire", json={}).raise_for_status()
            zoom.delete("/_emulator/requests").raise_for_status()
            start_at = time.time() + 2 + processes * 0.5
            children = [
                subprocess.Popen(
                    [PYTHON, str(CHILD), str(connection_id), str(threads), str(start_at)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(processes)
            ]
            outputs = []
            for proc in children:
                out, err = proc.communicate(timeout=300)
                if proc.returncode != 0:
                    raise SystemExit(f"a racing process failed:\n{err}")
                outputs.append(json.loads(out.strip().splitlines()[-1]))
        calls = zoom.get("/_emulator/requests", params={"method": "POST", "path": "/oauth/token"}).json()[
            "requests"
        ]
    finally:
        zoom.close()
        server.close()
    waits = [w for o in outputs for w in o["waits_ms"]]
    errors = [e for o in outputs for e in o["errors"]]
    return {
        "callers": processes * threads,
        "callers_served": len(waits),
        "refreshes": sum(1 for c in calls if c["status"] == 200),
        "token_calls": len(calls),
        "invalid_grant": sum(1 for c in calls if c["status"] != 200)
        + sum("invalid_grant" in e for e in errors),
        "errors": len(errors),
        # e.g. PostgreSQL's max_connections when processes x threads exceeds it: not a refresh failure.
        "error_kinds": sorted({e.split(":")[0] + ": " + e.split(":")[-1].strip()[:80] for e in errors}),
        "p50_wait_ms": round(percentile(waits, 0.50), 1),
        "p99_wait_ms": round(percentile(waits, 0.99), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict = {"processes": args.processes, "threads": args.threads}
    for backend in args.backends.split(","):
        results[backend] = race(backend, args.processes, args.threads)
        print(f"{backend}: {results[backend]}", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
