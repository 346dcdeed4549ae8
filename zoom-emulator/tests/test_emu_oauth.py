import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from emulator_helpers import REDIRECT, bearer, code_from, consent, exchange, pkce_pair


def test_it_shows_the_consent_page_with_users_and_scopes(
    client: httpx.Client, seeded: dict[str, Any]
) -> None:
    response = client.get(
        "/oauth/authorize",
        params={"response_type": "code", "client_id": "user-app", "redirect_uri": REDIRECT},
    )
    assert response.status_code == 200
    assert "tutor@acme.test" in response.text
    assert "meeting:write:meeting" in response.text
    assert ">Allow<" in response.text and ">Decline<" in response.text
    # A click on a user's email or role picks that user, as one on the name does.
    (choice,) = re.findall(r'id="(user-\d+)" value="tutor@acme.test"', response.text)
    assert f'<label for="{choice}">tutor@acme.test</label>' in response.text
    assert response.text.count(f'<label for="{choice}">') == 2


def test_it_redirects_with_the_code_and_echoes_state(client: httpx.Client, seeded: dict[str, Any]) -> None:
    response = consent(client, "user-app", "tutor@acme.test", state='{"n": 1}')
    assert response.status_code == 302
    query = parse_qs(urlparse(response.headers["location"]).query)
    assert response.headers["location"].startswith(REDIRECT + "?code=")
    assert query["state"] == ['{"n": 1}']


def test_it_refuses_an_unregistered_redirect_uri(client: httpx.Client, seeded: dict[str, Any]) -> None:
    response = client.get(
        "/oauth/authorize", params={"client_id": "user-app", "redirect_uri": "https://evil.test/cb"}
    )
    assert response.status_code == 400
    assert "4709: Redirect URI mismatch." in response.text


def test_it_redirects_access_denied_on_decline(client: httpx.Client, seeded: dict[str, Any]) -> None:
    response = consent(client, "user-app", "tutor@acme.test", decision="decline", state="s1")
    assert response.headers["location"] == f"{REDIRECT}?error=access_denied&state=s1"


def test_it_lets_only_owners_and_admins_install_admin_apps(
    client: httpx.Client, seeded: dict[str, Any]
) -> None:
    response = consent(client, "admin-app", "tutor@acme.test")
    assert response.status_code == 200
    assert "can only be installed by an account owner or admin" in response.text
    assert consent(client, "admin-app", "admin@acme.test").status_code == 302


def test_it_exchanges_a_code_for_tokens(client: httpx.Client, seeded: dict[str, Any]) -> None:
    response = exchange(
        client, "user-app", "user-secret", code_from(consent(client, "user-app", "tutor@acme.test"))
    )
    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["access_token", "token_type", "refresh_token", "expires_in", "scope", "api_url"]
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3599
    assert body["api_url"] == "http://zoom.test"
    assert body["scope"] == (
        "meeting:write:meeting meeting:read:meeting meeting:update:meeting meeting:delete:meeting "
        "meeting:read:list_meetings user:read:user"
    )
    assert body["access_token"].startswith("eyJ")
    me = client.get("/v2/users/me", headers=bearer(body))
    assert me.json()["email"] == "tutor@acme.test"


def test_it_accepts_grant_parameters_in_the_query_string(
    client: httpx.Client, seeded: dict[str, Any]
) -> None:
    code = code_from(consent(client, "user-app", "tutor@acme.test"))
    response = client.post(
        "/oauth/token",
        params={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=("user-app", "user-secret"),
    )
    assert response.status_code == 200


def test_it_refuses_a_reused_code(client: httpx.Client, seeded: dict[str, Any]) -> None:
    code = code_from(consent(client, "user-app", "tutor@acme.test"))
    assert exchange(client, "user-app", "user-secret", code).status_code == 200
    again = exchange(client, "user-app", "user-secret", code)
    assert again.status_code == 400
    assert again.json() == {"reason": f"Invalid authorization code {code}", "error": "invalid_request"}


def test_it_expires_codes_after_five_minutes(client: httpx.Client, seeded: dict[str, Any]) -> None:
    code = code_from(consent(client, "user-app", "tutor@acme.test"))
    client.post("/_emulator/clock", json={"advance": 300})
    response = exchange(client, "user-app", "user-secret", code)
    assert response.status_code == 400
    assert response.json() == {"reason": "Code is expired", "error": "invalid_request"}


def test_it_accepts_a_code_just_before_it_expires(client: httpx.Client, seeded: dict[str, Any]) -> None:
    code = code_from(consent(client, "user-app", "tutor@acme.test"))
    client.post("/_emulator/clock", json={"advance": 299})
    assert exchange(client, "user-app", "user-secret", code).status_code == 200


def test_it_requires_the_same_redirect_uri_at_the_token_step(
    client: httpx.Client, seeded: dict[str, Any]
) -> None:
    code = code_from(consent(client, "user-app", "tutor@acme.test"))
    response = exchange(client, "user-app", "user-secret", code, redirect_uri="https://crm.test/other")
    assert response.json() == {"reason": "Redirect URI mismatch.", "error": "invalid_request"}


def test_it_refuses_bad_client_credentials(client: httpx.Client, seeded: dict[str, Any]) -> None:
    code = code_from(consent(client, "user-app", "tutor@acme.test"))
    response = exchange(client, "user-app", "wrong", code)
    assert response.status_code == 400
    assert response.json() == {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}


def test_it_checks_the_pkce_verifier(client: httpx.Client, seeded: dict[str, Any]) -> None:
    verifier, challenge = pkce_pair()
    extra = {"code_challenge": challenge, "code_challenge_method": "S256"}
    code = code_from(consent(client, "user-app", "tutor@acme.test", **extra))
    wrong = exchange(client, "user-app", "user-secret", code, code_verifier="x" * 50)
    assert wrong.json() == {"reason": "Invalid code_verifier", "error": "invalid_request"}
    code = code_from(consent(client, "user-app", "tutor@acme.test", **extra))
    missing = exchange(client, "user-app", "user-secret", code)
    assert missing.status_code == 400
    code = code_from(consent(client, "user-app", "tutor@acme.test", **extra))
    assert exchange(client, "user-app", "user-secret", code, code_verifier=verifier).status_code == 200


def test_it_serves_public_pkce_clients_without_a_secret(client: httpx.Client, seeded: dict[str, Any]) -> None:
    verifier, challenge = pkce_pair()
    code = code_from(
        consent(client, "user-app", "tutor@acme.test", code_challenge=challenge, code_challenge_method="S256")
    )
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "user-app",
            "code_verifier": verifier,
        },
    )
    assert response.status_code == 200


def test_it_rotates_refresh_tokens(client: httpx.Client, login: Any) -> None:
    first = login("user-app", "tutor@acme.test")
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = client.post("/oauth/token", data=data, auth=("user-app", "user-secret"))
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    replay = client.post("/oauth/token", data=data, auth=("user-app", "user-secret"))
    assert replay.status_code == 400
    assert replay.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    newest = {"grant_type": "refresh_token", "refresh_token": second.json()["refresh_token"]}
    assert client.post("/oauth/token", data=newest, auth=("user-app", "user-secret")).status_code == 200


def test_it_supersedes_the_previous_token_set_on_reauthorization(client: httpx.Client, login: Any) -> None:
    old = login("user-app", "tutor@acme.test")
    new = login("user-app", "tutor@acme.test")
    assert client.get("/v2/users/me", headers=bearer(old)).json() == {
        "code": 124,
        "message": "Invalid access token.",
    }
    refresh = client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": old["refresh_token"]},
        auth=("user-app", "user-secret"),
    )
    assert refresh.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    assert client.get("/v2/users/me", headers=bearer(new)).status_code == 200


def test_it_expires_access_tokens_after_an_hour(client: httpx.Client, login: Any) -> None:
    tokens = login("user-app", "tutor@acme.test")
    client.post("/_emulator/clock", json={"advance": 3599})
    assert client.get("/v2/users/me", headers=bearer(tokens)).status_code == 200
    client.post("/_emulator/clock", json={"advance": 1})
    response = client.get("/v2/users/me", headers=bearer(tokens))
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Access token is expired."}


def test_it_honours_a_configured_token_lifetime(client: httpx.Client, seeded: dict[str, Any]) -> None:
    client.patch("/_emulator/settings", json={"access_token_ttl": 60})
    code = code_from(consent(client, "user-app", "tutor@acme.test"))
    assert exchange(client, "user-app", "user-secret", code).json()["expires_in"] == 59


def test_it_issues_server_to_server_tokens(client: httpx.Client, seeded: dict[str, Any]) -> None:
    response = client.post(
        "/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acct-pro"},
        auth=("s2s-app", "s2s-secret"),
    )
    body = response.json()
    assert list(body) == ["access_token", "token_type", "expires_in", "scope", "api_url"]
    assert body["expires_in"] == 3600
    users = client.get("/v2/users", headers=bearer(body))
    assert users.json()["total_records"] == 4
    wrong = client.post(
        "/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acct-free"},
        auth=("s2s-app", "s2s-secret"),
    )
    assert wrong.status_code == 400


def test_it_refuses_unknown_grant_types(client: httpx.Client, seeded: dict[str, Any]) -> None:
    response = client.post("/oauth/token", data={"grant_type": "password"}, auth=("user-app", "user-secret"))
    assert response.json() == {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}


def test_it_revokes_and_deauthorizes(client: httpx.Client, login: Any, receiver: Any) -> None:
    tokens = login("user-app", "tutor@acme.test")
    response = client.post(
        "/oauth/revoke", data={"token": tokens["access_token"]}, auth=("user-app", "user-secret")
    )
    assert response.json() == {"status": "success"}
    assert client.get("/v2/users/me", headers=bearer(tokens)).status_code == 401
    refresh = client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=("user-app", "user-secret"),
    )
    assert refresh.json()["error"] == "invalid_grant"
    client.post("/_emulator/webhooks/flush")
    assert receiver.events() == ["app_deauthorized"]
    payload = receiver.bodies()[0]["payload"]
    assert (payload["account_id"], payload["user_id"], payload["client_id"]) == (
        "acct-pro",
        "u-tutor",
        "user-app",
    )
    assert payload["deauthorization_time"] == "2030-03-17T17:46:40.000Z"


def test_it_records_data_compliance_calls(client: httpx.Client, app: Any, seeded: dict[str, Any]) -> None:
    body = {
        "client_id": "user-app",
        "user_id": "u-tutor",
        "account_id": "acct-pro",
        "compliance_completed": True,
    }
    response = client.post("/oauth/data/compliance", json=body, auth=("user-app", "user-secret"))
    assert response.status_code == 200
    assert app.state.compliance == [{"client_id": "user-app", "at": 1_900_000_000.0, "body": body}]


def test_it_offers_a_consent_shortcut_for_tests(client: httpx.Client, seeded: dict[str, Any]) -> None:
    shortcut = client.post(
        "/_emulator/oauth/authorize", json={"client_id": "user-app", "user": "tutor@acme.test"}
    )
    assert shortcut.status_code == 201
    assert exchange(client, "user-app", "user-secret", shortcut.json()["code"]).status_code == 200
