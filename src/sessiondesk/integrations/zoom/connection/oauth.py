"""Connecting Zoom: the authorisation code flow with PKCE (S256) and a single-use ``state``.

``start`` stores the attempt (hash of the state, encrypted code verifier, ten minutes) and returns
Zoom's authorisation URL; ``take_state`` consumes it on the way back (a row delete that only one
request can win); ``finish`` exchanges the code, confirms the identity with ``GET /users/me`` and
saves the connection, or refuses with a message a person can act on.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client, linking
from sessiondesk.integrations.zoom.connection import scopes, zoom_app
from sessiondesk.integrations.zoom.connection.revocation import revoke_on_commit
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.models import (
    AdminMode,
    ConnectionKind,
    ConnectionStatus,
    OAuthState,
    ZoomConnection,
    ZoomTokenSet,
)
from sessiondesk.meetings import desired, registrations
from sessiondesk.scheduling.models import Provider, Session, SessionStatus

STATE_TTL = dt.timedelta(minutes=10)


class ConnectRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_connect(member: Member, kind: str) -> bool:
    if kind == ConnectionKind.ORGANIZATION:
        return member.is_admin
    return member.hosts_sessions


def refusal_for(member: Member, kind: str) -> str:
    if kind == ConnectionKind.ORGANIZATION:
        return "Only owners and admins can connect or remove the organisation's Zoom account."
    return "Staff members schedule for others and do not host sessions, so they cannot connect a personal Zoom account."


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def start(
    member: Member,
    kind: str,
    *,
    admin_mode: str = AdminMode.READ_WRITE,
    return_to: str = "",
    draft: dict[str, Any] | None = None,
) -> str:
    """Record a new attempt and return the Zoom authorisation URL to send the person to."""
    if not may_connect(member, kind):
        raise ConnectRefused(refusal_for(member, kind))
    now = timezone.now()
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    OAuthState.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()
    OAuthState.objects.create(
        state_hash=_hash(state),
        member=member,
        kind=kind,
        admin_mode=admin_mode,
        code_verifier=verifier,
        return_to=return_to,
        draft=draft,
        created_at=now,
        expires_at=now + STATE_TTL,
    )
    query = {
        "response_type": "code",
        "client_id": zoom_app.app_for(zoom_app.key_for(kind, admin_mode)).client_id,
        "redirect_uri": settings.ZOOM_REDIRECT_URL,
        "state": state,
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    return zoom_app.oauth_url("/oauth/authorize") + "?" + urlencode(query)


def take_state(raw: str, member: Member) -> OAuthState:
    """Consume the attempt named by ``raw``: it works once, for the member who started it, for ten minutes."""
    if not raw:
        raise ConnectRefused(
            "Zoom sent you back without the security code SessionDesk needs, so nothing was saved. "
            "Start again with “Connect with Zoom”."
        )
    digest = _hash(raw)
    row = OAuthState.objects.filter(state_hash=digest).first()
    # The lookup is by hash, so timing reveals nothing about a valid state; compare anyway.
    if row is None or not hmac.compare_digest(row.state_hash, digest):
        raise ConnectRefused(
            "This Zoom sign-in link was already used or is not valid, so nothing was saved. "
            "Start again with “Connect with Zoom”."
        )
    deleted, _ = OAuthState.objects.filter(pk=row.pk).delete()
    if not deleted:
        raise ConnectRefused("This Zoom sign-in link was already used, so nothing was saved.")
    if row.member_id != member.pk:
        raise ConnectRefused(
            "This Zoom sign-in was started by someone else, so nothing was saved. "
            "Start again with “Connect with Zoom” while signed in as yourself."
        )
    if row.expires_at <= timezone.now():
        raise ConnectRefused(
            "The Zoom sign-in took longer than 10 minutes and expired, so nothing was saved. "
            "Start again with “Connect with Zoom”."
        )
    return row


def finish(member: Member, attempt: OAuthState, code: str) -> ZoomConnection:
    kind, key = attempt.kind, zoom_app.key_for(attempt.kind, attempt.admin_mode)
    try:
        tokens = client.exchange_code(
            code, code_verifier=attempt.code_verifier, redirect_uri=settings.ZOOM_REDIRECT_URL, kind=key
        )
    except ZoomError as exc:
        raise ConnectRefused(
            f"Zoom did not accept the authorisation ({exc.message}), so nothing was saved. Please try again."
        ) from exc
    try:
        user = client.get_me(tokens.access_token)
    except ZoomError as exc:
        _discard(tokens, key, None)
        raise ConnectRefused(
            f"Zoom did not tell SessionDesk which Zoom user you are ({exc.message}), so nothing was saved."
        ) from exc
    lacking = scopes.missing(kind, attempt.admin_mode, tokens.scopes)
    if lacking:
        _discard(tokens, key, user)
        named = "; ".join(f"{need.name} ({need.purpose})" for need in lacking)
        raise ConnectRefused(
            f"The Zoom app did not grant the permissions SessionDesk needs, so nothing was saved. Missing: "
            f"{named}. Add them to the app in the Zoom Marketplace, then connect again."
        )
    surplus = scopes.granted_writes(tokens.scopes) if key == zoom_app.ORGANIZATION_READ_ONLY else []
    if surplus:
        _discard(tokens, key, user)
        raise ConnectRefused(
            "The read-only Zoom app granted write scopes, so nothing was saved: "
            f"{', '.join(surplus)}. Remove them from that app in the Zoom Marketplace (it must hold read "
            "scopes only), then connect again."
        )
    if kind == ConnectionKind.ORGANIZATION and not user.is_account_admin:
        _discard(tokens, key, user)
        raise ConnectRefused(
            f"{user.email} is a {user.role_label or 'member'} of their Zoom account. The organisation's "
            "Zoom account must be connected by an owner or admin of that Zoom account, because it creates "
            "meetings for everyone and manages Zoom users."
        )
    return _save(member, attempt, tokens, user)


def _save(
    member: Member, attempt: OAuthState, tokens: client.TokenSet, user: client.ZoomUser
) -> ZoomConnection:
    kind = attempt.kind
    try:
        with transaction.atomic():
            live = ZoomConnection.objects.select_for_update().exclude(status=ConnectionStatus.REVOKED)
            if kind == ConnectionKind.PERSONAL:
                linking.lock(member.org_id)
                existing = live.filter(kind=kind, member=member).first()
                held = linking.holder(user.id, user.email, member)
                if held is not None:
                    raise ConnectRefused(linking.refusal(held, user.email, member.org_id, by_admin=False))
            else:
                existing = live.filter(kind=kind, org=member.org).first()
            return _store(member, attempt, tokens, user, existing)
    except IntegrityError:
        # Two people linking the same Zoom user at the same instant: the constraint decided.
        raise ConnectRefused(
            f"The Zoom user {user.email} was linked to another SessionDesk member at the same moment. "
            "One Zoom user can be linked to only one member at a time."
        ) from None
    except ConnectRefused:
        _discard(tokens, zoom_app.key_for(kind, attempt.admin_mode), user)
        raise


def _store(
    member: Member,
    attempt: OAuthState,
    tokens: client.TokenSet,
    user: client.ZoomUser,
    existing: ZoomConnection | None,
) -> ZoomConnection:
    now = timezone.now()
    key = zoom_app.key_for(attempt.kind, attempt.admin_mode)
    if existing is not None and (existing.zoom_user_id != user.id or zoom_app.key_of(existing) != key):
        # Replaced by another Zoom user, or authorised through the other app (Read-only ↔ Read/Write):
        # uninstall the old app for the old user too, so no token with the old scopes stays alive.
        old = ZoomTokenSet.objects.filter(connection=existing).first()
        if old is not None:
            revoke_on_commit(old.access_token, old.refresh_token, zoom_app.key_of(existing))
    connection = existing or ZoomConnection(org=member.org, kind=attempt.kind)
    connection.member = member
    connection.status = ConnectionStatus.ACTIVE
    connection.admin_mode = attempt.admin_mode
    connection.zoom_user_id = user.id
    connection.zoom_account_id = user.account_id
    connection.zoom_email = user.email
    connection.zoom_role = user.role_label
    connection.zoom_user_type = user.type if isinstance(user.type, int) else None
    connection.granted_scopes = tokens.scope
    connection.client_id = zoom_app.app_for(key).client_id
    connection.connected_at = now
    connection.last_refresh_at = now
    connection.last_error = connection.remedy = ""
    connection.broken_at = None
    connection.reminders_sent = 0
    connection.save()
    _put_tokens(connection, tokens, now)
    upcoming = Session.objects.filter(org=member.org, status=SessionStatus.SCHEDULED, end__gt=now)
    if attempt.kind == ConnectionKind.PERSONAL:
        upcoming = upcoming.filter(consultant=member)
        # The organisation's account resumes them after its first directory sync instead, once the
        # consultants are linked to their own Zoom users (directory.sync.run).
        desired.resume_awaiting_connection(Provider.ZOOM, upcoming)
    if existing is not None:
        # A reconnect may grant the registration scopes: sessions that kept the shared link get personal links.
        registrations.retry_shared(upcoming)
    audit.record(
        member.org,
        member,
        "zoom.reconnected" if existing is not None else "zoom.connected",
        member,
        kind=attempt.kind,
        admin_mode=attempt.admin_mode if attempt.kind == ConnectionKind.ORGANIZATION else "",
    )
    return connection


def _put_tokens(connection: ZoomConnection, tokens: client.TokenSet, now: dt.datetime) -> None:
    ZoomTokenSet.objects.update_or_create(
        connection=connection,
        defaults={
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": now + dt.timedelta(seconds=tokens.expires_in),
            "refreshed_at": now,
        },
    )


def _discard(tokens: client.TokenSet, key: str, user: client.ZoomUser | None) -> None:
    """Tokens of a refused connection must not linger at Zoom, with one exception.

    Zoom invalidates a user's previous tokens when they authorise again. If that Zoom user is
    already linked (the refusal is about someone else linking it), the fresh tokens are the only
    working ones: they go to the existing connection, which would otherwise be broken.
    """
    holder = None
    if user is not None:
        # Zoom supersedes the tokens of the same user and the same app only.
        live = ZoomConnection.objects.filter(zoom_user_id=user.id, status=ConnectionStatus.ACTIVE)
        holder = next((c for c in live.filter(tokens__isnull=False) if zoom_app.key_of(c) == key), None)
    if holder is not None:
        _put_tokens(holder, tokens, timezone.now())
        return
    with transaction.atomic():
        revoke_on_commit(tokens.access_token, tokens.refresh_token, key)
