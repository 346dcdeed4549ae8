"""A valid access token for a connection, refreshed single-flight across threads and processes.

Zoom rotates the refresh token on every refresh and refuses the previous one at once ("Invalid
Token!", invalid_grant), so two refreshes racing would break the connection. The refresh therefore
runs while holding the connection's row lock (PostgreSQL ``SELECT … FOR UPDATE``; on SQLite the
transaction is ``BEGIN IMMEDIATE``, which takes the database write lock). A caller that waited for
the lock re-reads the token set and finds it fresh, so exactly one refresh reaches Zoom and its
rotated refresh token is committed before anyone uses the new access token.

Call ``access_token`` outside any transaction of your own: the lock is held for one HTTP call.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import reconnect, zoom_app
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.models import ConnectionStatus, ZoomConnection, ZoomTokenSet
from sessiondesk.lib.rows import unique_row

log = logging.getLogger(__name__)

# A request refreshes a token that expires within this margin; the worker refreshes well before.
REQUEST_MARGIN = dt.timedelta(seconds=60)
AHEAD_MARGIN = dt.timedelta(minutes=10)
RETRY_AFTER = dt.timedelta(minutes=1)


class NotConnected(ZoomError):
    """The connection cannot be used until the person reconnects Zoom."""


def access_token(connection: ZoomConnection) -> str:
    """A usable access token for ``connection``; raises ``NotConnected`` when it needs reconnecting."""
    tokens = unique_row(ZoomTokenSet, "connection_id", connection.pk)  # before every call: SQL built once
    if tokens is not None and tokens.expires_at > timezone.now() + REQUEST_MARGIN:
        return tokens.access_token
    return refresh(connection.pk, margin=REQUEST_MARGIN)


def renew(connection: ZoomConnection, refused: str) -> str:
    """A new access token after Zoom called ``refused`` expired before we thought it would.

    Single-flight like every refresh: a caller that finds another one already replaced the refused
    token takes the replacement and makes no call."""
    return refresh(connection.pk, refused=refused)


def refresh(connection_id: int, *, margin: dt.timedelta = REQUEST_MARGIN, refused: str = "") -> str:
    """Refresh the connection's tokens unless, once the lock is held, they are good for ``margin``
    (and are not the access token Zoom just ``refused``)."""
    broken: ZoomError | None = None
    with transaction.atomic():
        connection = ZoomConnection.objects.select_for_update().get(pk=connection_id)
        tokens = ZoomTokenSet.objects.filter(connection=connection).first()
        if connection.status != ConnectionStatus.ACTIVE or tokens is None:
            raise _not_connected(connection)
        if tokens.expires_at > timezone.now() + margin and tokens.access_token != refused:
            return tokens.access_token  # another caller refreshed while we waited for the lock
        try:
            answer = client.refresh_tokens(tokens.refresh_token, kind=zoom_app.key_of(connection))
        except ZoomError as exc:
            if not exc.invalid_grant:
                raise
            # The refresh token is dead: record it in this transaction, raise once it is committed.
            reconnect.mark_needs_reconnect(connection, f"Zoom refused to renew the connection: {exc.message}")
            broken = exc
        else:
            _store(connection, tokens, answer)
            return answer.access_token
    assert broken is not None
    raise NotConnected(
        None,
        "not_connected",
        f"Zoom refused to renew the connection ({broken.message}).",
        permanent=True,
        remedy=reconnect.REMEDY,
    )


def refresh_ahead(limit: int) -> int:
    """Worker job: renew tokens that expire soon, so requests rarely wait for a refresh.

    A connection whose last attempt failed transiently waits ``RETRY_AFTER`` before the next one,
    so an outage at Zoom does not turn the worker into a busy loop against the token endpoint."""
    now = timezone.now()
    due = list(
        ZoomTokenSet.objects.filter(
            connection__status=ConnectionStatus.ACTIVE, expires_at__lte=now + AHEAD_MARGIN
        )
        .exclude(connection__last_error__gt="", connection__updated_at__gt=now - RETRY_AFTER)
        .values_list("connection_id", flat=True)[:limit]
    )
    refreshed = 0
    for connection_id in due:
        try:
            refresh(connection_id, margin=AHEAD_MARGIN)
            refreshed += 1
        except ZoomError as exc:
            # Permanent: already marked needs reconnect. Transient: noted, tried again later.
            log.warning(
                "zoom token refresh for connection %s failed: %s %s", connection_id, exc.status, exc.code
            )
            if not exc.permanent:
                ZoomConnection.objects.filter(pk=connection_id).update(
                    last_error=f"Renewing the Zoom token failed: {exc.message}"[:1000],
                    updated_at=timezone.now(),
                )
    return refreshed


def _store(connection: ZoomConnection, tokens: ZoomTokenSet, answer: client.TokenSet) -> None:
    now = timezone.now()
    tokens.access_token = answer.access_token
    tokens.refresh_token = answer.refresh_token
    tokens.expires_at = now + dt.timedelta(seconds=answer.expires_in)
    tokens.refreshed_at = now
    tokens.save()
    connection.last_refresh_at = now
    connection.last_error = ""
    connection.remedy = ""
    if answer.scopes:
        connection.granted_scopes = " ".join(sorted(answer.scopes))
    connection.save(update_fields=["last_refresh_at", "last_error", "remedy", "granted_scopes", "updated_at"])


def expired_at_zoom(exc: ZoomError) -> bool:
    """401 ``{"code": 124, "message": "Access token is expired."}``: a refresh cures it."""
    return exc.status == 401 and exc.code == "124" and "expired" in exc.message.lower()


def api_refused(connection: ZoomConnection, exc: ZoomError) -> bool:
    """For callers of the REST API: a 401 ``{"code": 124, "message": "Invalid access token."}`` on a
    token we believed valid means Zoom revoked it; mark the connection needs reconnect (True)."""
    if exc.status == 401 and exc.code == "124" and not expired_at_zoom(exc):
        return reconnect.mark_needs_reconnect(connection, f"Zoom refused the access token: {exc.message}")
    return False


def _not_connected(connection: ZoomConnection) -> NotConnected:
    return NotConnected(
        None,
        "not_connected",
        f"The Zoom connection of {connection.zoom_email} is {connection.get_status_display().lower()}.",
        permanent=True,
        remedy=connection.remedy or reconnect.REMEDY,
    )
