"""The Zoom client against the emulator: typed answers, errors classified once, every call logged."""

import httpx
import pytest

from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.errors import ZoomError, from_response
from sessiondesk.meetings.models import CallAttempt
from tests.integrations.zoom.conftest import PERSONAL_APP


def _tokens(zoom, user: str = "carla@zoom.acme.test") -> client.TokenSet:
    code = zoom.http.post(
        "/_emulator/oauth/authorize", json={"client_id": PERSONAL_APP[0], "user": user}
    ).json()
    return client.exchange_code(
        code["code"], code_verifier="", redirect_uri=code["redirect_uri"], kind="personal"
    )


def test_it_exchanges_a_code_and_reads_the_user(db, zoom) -> None:
    tokens = _tokens(zoom)
    assert tokens.expires_in == 3599
    assert "meeting:write:meeting" in tokens.scopes
    assert tokens.access_token not in repr(tokens)
    me = client.get_me(tokens.access_token)
    assert (me.email, me.account_id, me.role_label, me.is_account_admin) == (
        "carla@zoom.acme.test",
        "acct-acme",
        "Member",
        False,
    )


def test_refresh_rotates_and_a_spent_refresh_token_is_invalid_grant(db, zoom) -> None:
    tokens = _tokens(zoom)
    renewed = client.refresh_tokens(tokens.refresh_token, kind="personal")
    assert renewed.refresh_token != tokens.refresh_token
    with pytest.raises(ZoomError) as spent:
        client.refresh_tokens(tokens.refresh_token, kind="personal")
    assert (spent.value.status, spent.value.code, spent.value.message) == (
        400,
        "invalid_grant",
        "Invalid Token!",
    )
    assert spent.value.permanent and spent.value.invalid_grant
    assert spent.value.remedy == "Reconnect Zoom in Settings → Meeting Preferences."
    last = CallAttempt.objects.first()
    assert (last.operation, last.status, last.provider_code, last.outcome) == (
        "oauth.token.refresh",
        400,
        "invalid_grant",
        "permanent",
    )


def test_wrong_client_credentials_are_permanent_with_the_operators_remedy(db, zoom, settings) -> None:
    settings.ZOOM_CLIENT_SECRET = "wrong"
    with pytest.raises(ZoomError) as refused:
        client.refresh_tokens("anything", kind="personal")
    assert (refused.value.code, refused.value.permanent) == ("invalid_client", True)
    assert "ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET" in refused.value.remedy


def test_a_server_error_is_transient(db, zoom) -> None:
    tokens = _tokens(zoom)
    zoom.http.post(
        "/_emulator/faults", json={"kind": "error", "path": "/v2/users/me", "status": 503, "count": 1}
    )
    with pytest.raises(ZoomError) as failed:
        client.get_me(tokens.access_token)
    assert (failed.value.status, failed.value.permanent) == (503, False)
    assert CallAttempt.objects.first().outcome == "transient"


def test_a_timeout_is_transient(db, zoom) -> None:
    tokens = _tokens(zoom)
    zoom.http.post("/_emulator/faults", json={"kind": "timeout", "path": "/v2/users/me", "count": 1})
    with pytest.raises(ZoomError) as failed:
        client.get_me(tokens.access_token)
    assert (failed.value.status, failed.value.code, failed.value.permanent) == (None, "ReadTimeout", False)


def test_a_rate_limit_is_transient_and_honours_retry_after() -> None:
    response = httpx.Response(
        429,
        headers={"Retry-After": "7"},
        json={"code": 429, "message": "You have reached the maximum daily rate limit for this API."},
    )
    error = from_response(response)
    assert (error.permanent, error.retry_after, error.code) == (False, 7.0, "429")


def test_a_missing_scope_is_permanent() -> None:
    response = httpx.Response(
        400,
        json={
            "code": 4711,
            "message": "Invalid access token, does not contain scopes:[user:read:list_users:admin].",
        },
    )
    error = from_response(response)
    assert (error.permanent, error.code) == (True, "4711")
    assert "add it to the app in the Zoom Marketplace" in error.remedy


def test_an_unknown_user_is_permanent() -> None:
    error = from_response(httpx.Response(404, json={"code": 1001, "message": "User does not exist: abc."}))
    assert (error.permanent, error.code, error.message) == (True, "1001", "User does not exist: abc.")


def test_revoke_uninstalls_for_the_user(db, zoom) -> None:
    tokens = _tokens(zoom)
    client.revoke(tokens.access_token, kind="personal")
    with pytest.raises(ZoomError) as refused:
        client.get_me(tokens.access_token)
    assert refused.value.status == 401
    with pytest.raises(ZoomError) as spent:
        client.refresh_tokens(tokens.refresh_token, kind="personal")
    assert spent.value.invalid_grant


def test_data_compliance_reaches_zoom(db, zoom) -> None:
    client.data_compliance(
        kind="personal",
        user_id="u1",
        account_id="acct-acme",
        deauthorization={"user_data_retention": False, "signature": "sig"},
    )
    assert zoom.app.state.compliance[0]["body"]["compliance_completed"] is True
