"""Logs: JSON lines with a request id, and never a secret. A full run (sign in, connect Zoom through
the emulator, book publicly, open the signed links, refresh the Zoom token, use the API) is logged
at DEBUG through the real formatters; then every secret value seen along the way is looked for."""

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.accounts.tokens import create_token
from sessiondesk.integrations.zoom.connection import tokens
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.ops.logs import JsonFormatter, PlainFormatter, RequestIdFilter, redact
from sessiondesk.scheduling.models import SessionType
from tests.conftest import PASSWORD
from tests.integrations.zoom.conftest import PERSONAL_APP, Emulator, back_from_zoom, start
from tests.scheduling.public_support import booking_data, details_url, first_slot, make_calendar
from tests.support.worker import run_worker_until_idle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def captured() -> Iterator[dict[str, io.StringIO]]:
    """Every record of every logger, through both production formatters, at DEBUG."""
    streams = {"json": io.StringIO(), "plain": io.StringIO()}
    handlers = []
    for name, formatter in (("json", JsonFormatter()), ("plain", PlainFormatter())):
        handler = logging.StreamHandler(streams[name])
        handler.setFormatter(formatter)
        handler.addFilter(RequestIdFilter())
        handler.setLevel(logging.DEBUG)
        handlers.append(handler)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    quiet = {name: logging.getLogger(name).level for name in ("sessiondesk", "django", "zoom_emulator")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.DEBUG)
    for handler in handlers:
        root.addHandler(handler)
    yield streams
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def test_it_redacts_each_kind_of_secret_in_a_line() -> None:
    line = (
        "GET /manage/eyJzIjoxfQ:1vK3:abcdefghijklmnopqrstu/cancel/ Authorization: Bearer sd_live_abcdef123456 "
        'refresh_token=rt-123456 {"access_token": "at-98765"} password=hunter22 '
        "/password-reset/MQ/abc123-0123456789abcdef/ /portal/abc/"
    )
    assert redact(line) == (
        "GET /manage/[redacted]/cancel/ Authorization: Bearer [redacted] "
        'refresh_token=[redacted] {"access_token": "[redacted]"} password=[redacted] '
        "/password-reset/MQ/[redacted]/ /portal/[redacted]/"
    )


def test_it_redacts_a_meeting_passcode_and_the_one_in_a_zoom_join_link() -> None:
    line = 'https://zoom.us/j/85746065432?pwd=AbC123xyz {"passcode": "9xYz", "id": 85746065432}'
    assert (
        redact(line)
        == 'https://zoom.us/j/85746065432?pwd=[redacted] {"passcode": "[redacted]", "id": 85746065432}'
    )


def test_a_full_run_logs_request_lines_with_ids_and_no_secret(
    captured, zoom: Emulator, owner: Member, consultant: Member, settings
) -> None:  # type: ignore[no-untyped-def]
    secrets: set[str] = {PASSWORD, settings.SECRET_KEY, *settings.ENCRYPTION_KEYS, PERSONAL_APP[1]}

    # Sign in (and once with a wrong password).
    web = HttpClient()
    assert (
        web.post("/login/", {"username": consultant.user.email, "password": "wrong-" + PASSWORD}).status_code
        == 400
    )
    assert web.post("/login/", {"username": consultant.user.email, "password": PASSWORD}).status_code == 302
    secrets.add(web.cookies["sessionid"].value)

    # Connect Zoom through the emulator's consent page.
    authorize = start(web)
    secrets.add(parse_qs(urlsplit(authorize).query)["state"][0])
    consent = zoom.consent(authorize, "carla@zoom.acme.test")
    secrets.add(parse_qs(urlsplit(consent.headers["location"]).query)["code"][0])
    with zoom.committing():
        assert back_from_zoom(web, consent).status_code == 302
    connection = ZoomConnection.objects.get(member=consultant)
    first = ZoomTokenSet.objects.get(connection=connection)
    secrets |= {first.access_token, first.refresh_token}

    # A client books a Zoom session on the public page; the worker creates the meeting and sends the emails.
    zoom_lesson = SessionType.objects.create(
        org=owner.org, name="Zoom lesson", duration_minutes=60, is_online=True, default_provider="zoom"
    )
    calendar = make_calendar(owner.org, zoom_lesson, [consultant])
    booked = HttpClient().post(details_url(calendar), booking_data(first_slot(calendar)))
    assert booked.status_code == 303
    manage = booked["Location"]
    assert manage.startswith("/manage/")
    secrets.add(manage.split("/")[2])
    run_worker_until_idle()
    settings.EMAIL_LINK_WAIT_SECONDS = 0
    run_worker_until_idle("emails")
    assert OutboundEmail.objects.filter(state="sent").count() == len(mail.outbox) >= 2
    for message in mail.outbox:
        for token in re.findall(r"/(?:manage|portal)/([^/\s\"<]+)/", message.body):
            secrets.add(token)
    # The client opens the links, and someone tries a forged one.
    client_web = HttpClient()
    for token in [t for t in secrets if t.count(":") == 2]:
        for prefix in ("/manage/", "/portal/"):
            client_web.get(f"{prefix}{token}/")
    assert client_web.get(manage.replace("/manage/", "/manage/x")).status_code == 404

    # The access token expires; the next call refreshes it (rotating the refresh token).
    zoom.http.post("/_emulator/tokens/expire", json={})
    ZoomTokenSet.objects.filter(connection=connection).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    tokens.access_token(connection)
    second = ZoomTokenSet.objects.get(connection=connection)
    assert second.refresh_token != first.refresh_token
    secrets |= {second.access_token, second.refresh_token}

    # The API with a personal token, once right and once wrong.
    _, api_token = create_token(owner, "logs")
    secrets.add(api_token)
    api = HttpClient()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 200
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}x"}).status_code == 401

    json_log = captured["json"].getvalue()
    plain_log = captured["plain"].getvalue()
    entries = [json.loads(line) for line in json_log.splitlines() if line.startswith("{")]
    requests = [e for e in entries if e["logger"] == "sessiondesk.request"]
    assert len(requests) >= 12
    assert all(re.fullmatch(r"[0-9a-f]{32}", e["request_id"]) for e in requests)
    assert {"route": "/manage/<str:token>/", "status": 404} in [
        {"route": e["route"], "status": e["status"]} for e in requests
    ]
    assert any(e["logger"] == "django.request" and e.get("request_id") for e in entries)
    secrets = {s for s in secrets if s and len(s) >= 8}
    assert len(secrets) >= 14
    for secret in secrets:
        assert secret not in json_log
        assert secret not in plain_log
