import datetime as dt

import httpx
import pytest
from django.db import connection as db

from sessiondesk.integrations.zoom.connection import tokens
from sessiondesk.integrations.zoom.models import ConnectionStatus, ZoomConnection, ZoomTokenSet
from sessiondesk.meetings.models import CallAttempt
from tests.integrations.zoom.token_fixtures import (  # noqa: F401
    carla_zoom_fixture,
    emu_fixture,
    expire,
    token_calls,
    token_emulator_fixture,
)


def test_it_returns_the_stored_token_while_it_is_fresh(emu: httpx.Client, carla_zoom: ZoomConnection) -> None:
    stored = ZoomTokenSet.objects.get(connection=carla_zoom).access_token

    assert tokens.access_token(carla_zoom) == stored
    assert token_calls(emu) == []


def test_it_refreshes_an_expired_token_and_rotates_the_refresh_token(
    emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    before = ZoomTokenSet.objects.get(connection=carla_zoom)
    expire(emu, carla_zoom)

    token = tokens.access_token(carla_zoom)

    after = ZoomTokenSet.objects.get(connection=carla_zoom)
    assert token == after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token
    assert after.expires_at > before.expires_at
    calls = token_calls(emu)
    assert [(c["status"], c["client_id"]) for c in calls] == [(200, "sessiondesk-dev")]
    carla_zoom.refresh_from_db()
    assert carla_zoom.last_refresh_at is not None
    assert carla_zoom.status == ConnectionStatus.ACTIVE
    # The new access token works at Zoom.
    me = emu.get("/v2/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["email"] == "carla@acme.test"


def test_the_old_refresh_token_is_refused_by_zoom_after_rotation_and_never_used_again(
    emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    old_refresh = ZoomTokenSet.objects.get(connection=carla_zoom).refresh_token
    expire(emu, carla_zoom)
    tokens.access_token(carla_zoom)
    expire(emu, carla_zoom)
    tokens.access_token(carla_zoom)

    replay = emu.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": old_refresh},
        auth=("sessiondesk-dev", "sessiondesk-dev-secret"),
    )

    assert replay.status_code == 400
    assert replay.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    # Our two refreshes both succeeded: each spent the newest refresh token.
    assert [c["status"] for c in token_calls(emu)] == [200, 200, 400]


def test_the_worker_refreshes_ahead_of_expiry(emu: httpx.Client, carla_zoom: ZoomConnection) -> None:
    ZoomTokenSet.objects.filter(connection=carla_zoom).update(
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    )

    assert tokens.refresh_ahead(10) == 1

    assert ZoomTokenSet.objects.get(connection=carla_zoom).expires_at > dt.datetime.now(
        dt.UTC
    ) + dt.timedelta(minutes=50)
    assert len(token_calls(emu)) == 1
    # Nothing is due any more: the next pass makes no call.
    assert tokens.refresh_ahead(10) == 0
    assert len(token_calls(emu)) == 1


def test_a_transient_failure_keeps_the_connection_and_its_tokens(
    emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    before = ZoomTokenSet.objects.get(connection=carla_zoom)
    expire(emu, carla_zoom)
    emu.post("/_emulator/faults", json={"kind": "error", "path": "/oauth/token", "status": 503, "count": 1})

    with pytest.raises(tokens.ZoomError) as raised:
        tokens.access_token(carla_zoom)

    assert raised.value.permanent is False
    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.ACTIVE
    assert ZoomTokenSet.objects.get(connection=carla_zoom).refresh_token == before.refresh_token
    # The next try succeeds with the same refresh token (Zoom failed before spending it).
    assert tokens.access_token(carla_zoom) != before.access_token


def test_it_never_logs_or_records_token_text(
    emu: httpx.Client, carla_zoom: ZoomConnection, caplog: pytest.LogCaptureFixture
) -> None:
    before = ZoomTokenSet.objects.get(connection=carla_zoom)
    expire(emu, carla_zoom)
    with caplog.at_level("DEBUG"):
        token = tokens.access_token(carla_zoom)
    after = ZoomTokenSet.objects.get(connection=carla_zoom)

    secrets = [before.refresh_token, after.refresh_token, token]
    assert not any(secret in caplog.text for secret in secrets)
    excerpts = " ".join(CallAttempt.objects.values_list("excerpt", flat=True))
    assert not any(secret in excerpts for secret in secrets)
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM zoom_zoomtokenset")
        raw = " ".join(cursor.fetchone())
    assert not any(secret in raw for secret in secrets)


def test_a_failing_refresh_ahead_waits_before_trying_again(
    emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    ZoomTokenSet.objects.filter(connection=carla_zoom).update(
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    )
    emu.post("/_emulator/faults", json={"kind": "error", "path": "/oauth/token", "status": 503})

    assert tokens.refresh_ahead(10) == 0
    assert tokens.refresh_ahead(10) == 0

    assert len(token_calls(emu)) == 1
    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.ACTIVE
    assert carla_zoom.last_error.startswith("Renewing the Zoom token failed:")


def test_the_worker_runs_the_zoom_jobs() -> None:
    from sessiondesk.worker.jobs import JOBS

    assert JOBS["zoom-token-refresh"].run is tokens.refresh_ahead
    assert {"zoom-token-refresh", "zoom-reconnect-reminders", "zoom-webhooks"} <= set(JOBS)
