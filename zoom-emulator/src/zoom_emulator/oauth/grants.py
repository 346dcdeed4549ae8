"""Issuing, rotating and revoking tokens. Call with the state lock held."""

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from ..apps import App, Installation
from ..http import TokenError
from ..ids import jwt_shaped, opaque
from ..state import install_key
from ..webhooks import events
from .models import AccessToken, AuthCode, RefreshToken

if TYPE_CHECKING:
    from ..state import State

INVALID_GRANT = ("Invalid Token!", "invalid_grant")


def new_code(state: "State", app: App, user_id: str, redirect_uri: str, challenge: str, method: str) -> str:
    code = opaque(24)
    state.codes[code] = AuthCode(
        code=code,
        client_id=app.client_id,
        user_id=user_id,
        redirect_uri=redirect_uri,
        expires_at=state.now() + state.settings.code_ttl,
        code_challenge=challenge,
        code_challenge_method=method,
    )
    return code


def pkce_ok(code: AuthCode, verifier: str) -> bool:
    if not code.code_challenge:
        return True
    if not verifier:
        return False
    if code.code_challenge_method.upper() == "PLAIN":
        return hmac.compare_digest(verifier, code.code_challenge)
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return hmac.compare_digest(expected, code.code_challenge)


def exchange_code(state: "State", app: App, params: dict[str, str], public: bool) -> dict[str, Any]:
    code = state.codes.get(params.get("code", ""))
    if code is None or code.client_id != app.client_id or code.used:
        raise TokenError(f"Invalid authorization code {params.get('code', '')}", "invalid_request")
    if code.expires_at <= state.now():
        raise TokenError("Code is expired", "invalid_request")
    if params.get("redirect_uri", "") != code.redirect_uri:
        raise TokenError("Redirect URI mismatch.", "invalid_request")
    if public and not code.code_challenge:
        raise TokenError("Invalid client_id or client_secret", "invalid_client")
    if not pkce_ok(code, params.get("code_verifier", "")):
        raise TokenError("Invalid code_verifier", "invalid_request")
    code.used = True
    user = state.users[code.user_id]
    install(state, app, user.account_id, user.id)
    return issue(state, app, user.account_id, user.id, with_refresh=True, supersede=True)


def refresh(state: "State", app: App, params: dict[str, str]) -> dict[str, Any]:
    old = state.refresh_tokens.get(params.get("refresh_token", ""))
    if old is None or old.revoked or old.client_id != app.client_id or old.expires_at <= state.now():
        raise TokenError(*INVALID_GRANT)
    if install_key(app.client_id, old.user_id) not in state.installations:
        raise TokenError(*INVALID_GRANT)
    # Rotation: the presented refresh token is spent, whatever happens to the response.
    old.revoked = True
    return issue(state, app, old.account_id, old.user_id, with_refresh=True, supersede=False, grant=old.grant)


def account_credentials(state: "State", app: App, params: dict[str, str]) -> dict[str, Any]:
    if app.type != "s2s":
        raise TokenError("Unsupported grant type", "unsupported_grant_type")
    if params.get("account_id", "") != app.account_id or app.account_id not in state.accounts:
        raise TokenError("Invalid account_id", "invalid_request")
    return issue(state, app, app.account_id, "", with_refresh=False, supersede=False)


def client_credentials(state: "State", app: App) -> dict[str, Any]:
    return issue(state, app, app.account_id, "", with_refresh=False, supersede=False, scopes=[])


def issue(
    state: "State",
    app: App,
    account_id: str,
    user_id: str,
    *,
    with_refresh: bool,
    supersede: bool,
    grant: str = "",
    scopes: list[str] | None = None,
) -> dict[str, Any]:
    now = state.now()
    ttl = state.settings.access_token_ttl
    if supersede:
        # A new authorization wins: the previous token set of this user and app stops working.
        revoke_user_tokens(state, app.client_id, user_id)
    grant = grant or opaque(8)
    granted = list(app.scopes) if scopes is None else scopes
    claims = {
        "ver": 10,
        "auid": opaque(8),
        "uid": user_id,
        "aid": account_id,
        "clientId": app.client_id,
        "tokenType": "access_token",
        "iat": int(now),
        "exp": int(now + ttl),
    }
    access = jwt_shaped(claims)
    state.access_tokens[access] = AccessToken(
        token=access,
        client_id=app.client_id,
        account_id=account_id,
        user_id=user_id,
        scopes=granted,
        expires_at=now + ttl,
        grant=grant,
    )
    # Zoom reports 3599 for user tokens and 3600 for S2S tokens.
    body: dict[str, Any] = {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ttl - 1 if with_refresh else ttl,
        "scope": " ".join(granted),
    }
    if with_refresh:
        refresh_token = jwt_shaped(
            {**claims, "tokenType": "refresh_token", "exp": int(now + state.settings.refresh_token_ttl)}
        )
        state.refresh_tokens[refresh_token] = RefreshToken(
            token=refresh_token,
            client_id=app.client_id,
            account_id=account_id,
            user_id=user_id,
            expires_at=now + state.settings.refresh_token_ttl,
            grant=grant,
        )
        body = {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh_token,
            "expires_in": body["expires_in"],
            "scope": body["scope"],
        }
    return body


def install(state: "State", app: App, account_id: str, user_id: str) -> None:
    key = install_key(app.client_id, user_id)
    if key not in state.installations:
        state.installations[key] = Installation(app.client_id, account_id, user_id, state.now())


def revoke_user_tokens(state: "State", client_id: str, user_id: str) -> None:
    for token in state.access_tokens.values():
        if token.client_id == client_id and token.user_id == user_id:
            token.revoked = True
    for refresh_token in state.refresh_tokens.values():
        if refresh_token.client_id == client_id and refresh_token.user_id == user_id:
            refresh_token.revoked = True


def deauthorize(state: "State", app: App, account_id: str, user_id: str) -> None:
    """Uninstall: tokens stop working and the app hears app_deauthorized."""
    revoke_user_tokens(state, app.client_id, user_id)
    state.installations.pop(install_key(app.client_id, user_id), None)
    events.app_deauthorized(state, app, account_id, user_id)
