"""Attendance at scale: 500 sessions with one to four clients each across 50 Zoom hosts, booked ahead
(SessionDesk makes each meeting and registers each client for their own link), then run in the
emulator by script (late arrivals, rejoins, no-shows of either side, sessions that never took
place, guests; clients join through their own link, a fifth of them without typing an email), with
5% of the run's webhooks dropped. SessionDesk stores the webhooks that did
arrive, its worker records them, then reads Zoom's participant report of each meeting (and asks
once about sessions nothing was heard of). Every figure is checked against what the emulator says
happened.

The emulator runs on loopback with its rate limits on (Business plan: 40 Heavy calls a second) and
SessionDesk paces its calls at that rate. Each backend runs in its own process on a fresh instance.
The last line is one JSON object with, per backend ("sqlite", "postgresql"):

- ``sessions``, ``participants`` (people in the runs: hosts, clients, guests);
- ``matched_share``: registered clients in the runs recognised as the right client;
- ``wrong_outcomes``, ``missing_outcomes``: final outcomes that differ from the script's, or none;
- ``minutes_error_max_s``: the largest difference between a person's time present and Zoom's;
- ``zoom_calls_per_session``: report calls made for attendance per session (the design's minimum
  is 1: one report page of up to 300 rows per meeting, one question for a session never opened);
- ``registrant_calls``: registrant API calls SessionDesk made while booking (one batch a session);
- ``outcome_lag_p99_ms``: from a meeting's webhooks arriving (``meeting.ended`` last) to the
  session's final outcome with Zoom's report read, 99th percentile; meetings end one after another
  and the report is ready at once (``ATTENDANCE_REPORT_DELAY_SECONDS=0``). A session whose
  ``meeting.ended`` was lost, or that nobody opened, counts from the deadline pass that settles it
  (in production: its end plus the grace period).

    .venv/bin/python bench/attendance.py [--sessions 500] [--hosts 50] [--drop 0.05] [--backends sqlite,postgresql]
"""

import argparse
import json
import subprocess
import sys

import httpx
from _common import PYTHON, database, django_run

REDIRECT = "http://127.0.0.1/integrations/zoom/callback/"
EVENTS = ["meeting.started", "meeting.ended", "meeting.participant_joined", "meeting.participant_left"]

APP = """
from django.conf import settings
from sessiondesk.integrations.zoom.connection import scopes
print(json.dumps([settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET, scopes.registration_list("organization")]))
"""

CHILD = r"""
import datetime as dt
import json
import random
import time

import django
django.setup()
import httpx
from django.conf import settings
from django.utils import timezone

from sessiondesk.accounts.actions import add_member, create_organization
from sessiondesk.accounts.models import Role
from sessiondesk.attendance import deadlines
from sessiondesk.attendance.models import Attendee, SessionAttendance
from sessiondesk.attendance.compute import seconds_present
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.attendance import report
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.meetings.models import LinkState, MeetingLink
from sessiondesk.scheduling.models import Client, Provider, Session, SessionType

SESSIONS, HOSTS, DROP = __SESSIONS__, __HOSTS__, __DROP__
settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 40  # Zoom Business: 40 Heavy calls a second
zoom = httpx.Client(base_url=settings.ZOOM_OAUTH_URL, timeout=60)
rng = random.Random(12)

owner = create_organization(name="Bench", slug="bench", owner_email="owner@bench.test", owner_name="Owner",
                            password="bench-password", timezone="UTC")
org = owner.org
code = zoom.post("/_emulator/oauth/authorize", json={"client_id": settings.ZOOM_ORG_CLIENT_ID,
                 "user": "owner@bench.test", "redirect_uri": "__REDIRECT__"}).json()["code"]
tokens = client.exchange_code(code, code_verifier="", redirect_uri="__REDIRECT__", kind="organization")
me = client.get_me(tokens.access_token)
connection = ZoomConnection.objects.create(org=org, member=owner, kind="organization", zoom_user_id=me.id,
    zoom_account_id=me.account_id, zoom_email=me.email, granted_scopes=tokens.scope)
ZoomTokenSet.objects.create(connection=connection, access_token=tokens.access_token,
    refresh_token=tokens.refresh_token, expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in))
headers = {"Authorization": "Bearer " + tokens.access_token}
lesson = SessionType.objects.get(org=org, name="Lesson")
consultants = [add_member(org, email=f"host{h:02}@bench.test", name=f"Host {h:02}", role=Role.CONSULTANT,
                          password="bench-password") for h in range(HOSTS)]
users = {u["email"]: u["id"] for u in zoom.get("/v2/users", headers=headers, params={"page_size": 300}).json()["users"]}

# The consultants' Zoom users are linked by the directory sync (same emails), so each hosts their own.
from sessiondesk.integrations.zoom.directory import sync
from sessiondesk.meetings import desired
from sessiondesk.meetings.models import Registration
from sessiondesk.meetings.reconciler import reconcile_due
sync.run(org)

# 500 sessions booked ahead; SessionDesk makes each meeting and registers each client (their own link).
ahead = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
before_booking = max((r["id"] for r in zoom.get("/_emulator/requests").json()["requests"]), default=0)
plans = []
client_no = 0
for i in range(SESSIONS):
    consultant = consultants[i % HOSTS]
    start = ahead + dt.timedelta(minutes=30 * (i // HOSTS))
    session = Session.objects.create(org=org, title=f"Lesson {i}", session_type=lesson, consultant=consultant,
        start=start, end=start + dt.timedelta(hours=1), is_online=True, provider=Provider.ZOOM)
    clients = []
    for _ in range(rng.randint(1, 4)):
        client_no += 1
        clients.append(Client.objects.create(org=org, name=f"Client {client_no}", email=f"client{client_no}@bench.test"))
    session.clients.set(clients)
    desired.session_changed(session)
    plans.append((session, clients))
while reconcile_due(50, "bench"):
    pass
booking_calls = [r for r in zoom.get("/_emulator/requests", params={"since_id": before_booking}).json()["requests"]
                 if r["path"].startswith("/v2/")]
registrant_calls = sum("registrants" in r["path"] for r in booking_calls)
registered = {(r.session_id, r.client_id): r.registrant_id for r in Registration.objects.exclude(registrant_id="")}

# Then the sessions happened, yesterday and the day before.
base = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=40)
meetings = []
for i, (session, clients) in enumerate(plans):
    start = base + dt.timedelta(minutes=30 * (i // HOSTS))
    Session.objects.filter(pk=session.pk).update(start=start, end=start + dt.timedelta(hours=1))
    session.refresh_from_db()
    link = MeetingLink.objects.get(session=session, provider="zoom")
    meetings.append((session, {"id": int(link.external_id)}, clients))
plans = meetings

def at(session, minutes):
    return (session.start + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

def joining(session, client, minutes):
    # The client opens their own link: the join page knows their name and email; some clear the email.
    step = {"at": at(session, minutes), "action": "join", "name": client.name, "email": client.email,
            "registrant_id": registered.get((session.pk, client.pk), "")}
    if rng.random() < 0.2:
        step["email"] = ""
    return step

def admitted(step):
    return [step, {**step, "action": "admit"}]

expected, dropped = {}, 0
for n, (session, meeting, clients) in enumerate(plans):
    kind = rng.random()
    steps = []
    if kind < 0.08:
        expected[session.pk] = "did_not_take_place"
    elif kind < 0.15:
        # Clients wait in a meeting they started (join before host); the consultant never comes.
        steps.append({"at": at(session, 1), "action": "start", "host_joins": False})
        for c in clients:
            # Nobody hosts: an alternative host (or the waiting room's auto-admit) lets them in.
            steps += admitted(joining(session, c, 1 + rng.randint(0, 5)))
        steps.append({"at": at(session, 20), "action": "end"})
        expected[session.pk] = "consultant_no_show"
    elif kind < 0.25:
        steps.append({"at": at(session, rng.randint(0, 3)), "action": "start"})
        steps.append({"at": at(session, 25), "action": "end"})
        expected[session.pk] = "client_no_show"
    else:
        steps.append({"at": at(session, rng.randint(0, 4)), "action": "start"})
        came = [c for c in clients if c is clients[0] or rng.random() > 0.2]
        for c in came:
            joined = rng.randint(4, 19)  # late arrivals
            steps += admitted(joining(session, c, joined))
            if rng.random() < 0.3:  # a dropped connection and a rejoin
                steps.append({**joining(session, c, joined + 10), "action": "leave"})
                steps += admitted(joining(session, c, joined + 12))
        if rng.random() < 0.15:
            steps += admitted({"at": at(session, 21), "action": "join", "name": "A parent"})
        steps.append({"at": at(session, 55), "action": "end"})
        order = {"start": 0, "join": 1, "admit": 2, "leave": 3, "end": 4}
        steps.sort(key=lambda s: (s["at"], order[s["action"]]))
        expected[session.pk] = "completed"
    if steps:
        answer = zoom.post(f"/_emulator/meetings/{meeting['id']}/script", json={"steps": steps, "drop_share": DROP, "seed": n})
        answer.raise_for_status()
        dropped += len(answer.json()["dropped"])

zoom.post("/_emulator/webhooks/flush", json={"timeout": 120})
deliveries = zoom.get("/_emulator/webhooks/deliveries").json()["deliveries"]
since = max((r["id"] for r in zoom.get("/_emulator/requests").json()["requests"]), default=0)

# SessionDesk: store each delivery as the endpoint does (the body exactly as Zoom sent it), then the
# worker's jobs run until there is nothing left to do.
# Meetings end one after another, as in a day: each meeting's webhooks arrive (in the order Zoom sent
# them) and the worker's jobs run; the session's outcome is final once its report is read.
def meeting_of(delivery):
    return str(json.loads(delivery["body"])["payload"]["object"]["id"])

def ended_ts(meeting_id):
    ends = [json.loads(d["body"])["event_ts"] for d in by_meeting[meeting_id] if d["event"] == "meeting.ended"]
    return ends[0] if ends else max(json.loads(d["body"])["event_ts"] for d in by_meeting[meeting_id])

by_meeting = {}
for d in deliveries:
    by_meeting.setdefault(meeting_of(d), []).append(d)
t0 = time.perf_counter()
arrived = {}
for meeting_id in sorted(by_meeting, key=ended_ts):
    for d in sorted(by_meeting[meeting_id], key=lambda d: json.loads(d["body"])["event_ts"]):
        receive.receive(d["event"], json.loads(d["body"]), d["body"].encode())
    if any(d["event"] == "meeting.ended" for d in by_meeting[meeting_id]):
        arrived[meeting_id] = timezone.now()
    while receive.process_due(200):
        pass
    report.run_due(50)
t1 = time.perf_counter()
# Then the sessions nothing (or not the end) was heard of: the deadlines job, and their reports.
started = timezone.now()
while deadlines.run(100) + report.run_due(50):
    pass
t2 = time.perf_counter()
import sys
print(f"{len(deliveries)} webhooks of {len(by_meeting)} meetings recorded with their reports in {t1 - t0:.2f} s; "
      f"deadlines and the rest in {t2 - t1:.2f} s", file=sys.stderr)
calls = [r for r in zoom.get("/_emulator/requests", params={"since_id": since}).json()["requests"] if r["path"].startswith("/v2/")]

# What happened, as the emulator saw it.
people, seconds_truth = 0, {}
matched = client_people = 0
minutes_error = 0
wrong = missing = 0
lags = []
ended_at = arrived
for session, meeting, clients in plans:
    row = SessionAttendance.objects.filter(session=session).first()
    outcome = row.outcome if row else ""
    if outcome in ("", "in_progress"):
        missing += 1
    elif outcome != expected[session.pk]:
        wrong += 1
        print(f"session {session.pk}: expected {expected[session.pk]}, got {outcome}", file=sys.stderr)
    if row is not None and outcome:
        lags.append(max(0.0, (row.updated_at - ended_at.get(str(meeting["id"]), started)).total_seconds() * 1000))
    runs = zoom.get(f"/_emulator/meetings/{meeting['id']}/runs").json()["runs"]
    stays = {}
    for run in runs:
        for p in run["participants"]:
            if p["join_time"] is None:
                continue
            stays.setdefault(p["participant_uuid"], []).append(p)
    attendees = {a.person_key: a for a in Attendee.objects.filter(session=session)}
    by_client = {a.client_id: a for a in attendees.values() if a.client_id}
    for key, rows in stays.items():
        people += 1
        truth = seconds_present([(dt.datetime.fromisoformat(r["join_time"]), dt.datetime.fromisoformat(r["leave_time"])) for r in rows])
        email = rows[0]["email"].lower()
        registrant = rows[0]["registrant_id"]
        client = next((c for c in clients if registrant and registered.get((session.pk, c.pk)) == registrant), None)
        client = client or next((c for c in clients if c.email == email), None)
        if client is not None:
            client_people += 1
            found = by_client.get(client.pk)
            matched += found is not None
            got = found.seconds_present if found else 0
        elif rows[0]["id"]:
            got = next((a.seconds_present for a in attendees.values() if a.kind == "host"), 0)
        else:
            got = next((a.seconds_present for a in attendees.values() if a.kind == "guest" and a.name == rows[0]["name"]), 0)
        minutes_error = max(minutes_error, abs(got - truth))

lags.sort()
p99 = lags[min(len(lags) - 1, max(0, round(0.99 * len(lags)) - 1))] if lags else 0.0
print(json.dumps({
    "sessions": len(plans),
    "participants": people,
    "matched_share": round(matched / client_people, 4) if client_people else 1.0,
    "wrong_outcomes": wrong,
    "missing_outcomes": missing,
    "minutes_error_max_s": minutes_error,
    "zoom_calls_per_session": round(len([c for c in calls if "/report/" in c["path"] or "/past_meetings/" in c["path"]]) / len(plans), 3),
    "registrant_calls": registrant_calls,
    "outcome_lag_p99_ms": round(p99, 1),
    "_webhooks_dropped": dropped,
    "_webhooks_delivered": len(deliveries),
    "_rate_limited": sum(c["status"] == 429 for c in calls),
    "_registered": len(registered),
    "_booking_calls": len(booking_calls),
}))
"""


def run(backend: str, sessions: int, hosts: int, drop: float) -> dict:
    from zoom_emulator.app import create_app
    from zoom_emulator.server import make_server

    app = create_app()
    app.state.settings.webhook_mode = "manual"
    app.state.settings.access_token_ttl = 86400
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
                # The emulator's report is ready 300 s after a meeting ends; these ended hours ago.
                "ATTENDANCE_REPORT_DELAY_SECONDS": "0",
            }
            subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
            client_id, secret, scopes = django_run(env, APP)
            users = [
                {"email": "owner@bench.test", "first_name": "Bench", "last_name": "Owner", "role": "owner"}
            ]
            users += [
                {"email": f"host{h:02}@bench.test", "first_name": "Host", "last_name": f"{h:02}"}
                for h in range(hosts)
            ]
            zoom.post(
                "/_emulator/seed",
                json={
                    "accounts": [{"id": "acct-bench", "plan": "business", "users": users}],
                    "apps": [
                        {
                            "client_id": client_id,
                            "client_secret": secret,
                            "type": "admin",
                            "name": "SessionDesk",
                            "redirect_uris": [REDIRECT],
                            "scopes": scopes,
                            "webhook": {
                                "url": "http://127.0.0.1/hook",
                                "secret_token": "bench",
                                "events": EVENTS,
                            },
                        }
                    ],
                },
            ).raise_for_status()
            code = (
                CHILD.replace("__SESSIONS__", str(sessions))
                .replace("__HOSTS__", str(hosts))
                .replace("__DROP__", repr(drop))
                .replace("__REDIRECT__", REDIRECT)
            )
            done = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"the attendance process failed:\n{done.stderr[-4000:]}")
            print(done.stderr[-2000:], file=sys.stderr)
            return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        zoom.close()
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--drop", type=float, default=0.05)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict = {}
    for backend in args.backends.split(","):
        figures = run(backend, args.sessions, args.hosts, args.drop)
        print(f"{backend}: {figures}", file=sys.stderr)
        results[backend] = {k: v for k, v in figures.items() if not k.startswith("_")}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
