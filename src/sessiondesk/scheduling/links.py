"""Signed links for clients, who have no password: their portal and the management of one booking.

Tokens are signed with HMAC-SHA256 under ``SECRET_KEY`` (a salt per kind of link) and compared in
constant time, so they cannot be guessed or altered: a token that fails verification, has expired or
names something that is gone is answered with the same 404 page (docs/security.md).

Anyone can book on a public page with any email address, so the browser that just booked gets a
*visitor* token (``visitor_tz``): it opens that booking only, never the client's portal, and shows
nothing about the client that the visitor did not type. The full links go to the client's inbox.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from sessiondesk.scheduling.models import Client, Session

PORTAL_SALT = "sessiondesk.client-portal"
BOOKING_SALT = "sessiondesk.manage-booking"
MAX_AGE = 60 * 60 * 24 * 365


def portal_token(client: Client) -> str:
    return signing.dumps({"c": client.pk, "o": client.org_id}, salt=PORTAL_SALT, compress=True)


def booking_token(session: Session, client: Client, *, visitor_tz: str | None = None) -> str:
    data: dict[str, Any] = {"s": session.pk, "c": client.pk}
    if visitor_tz is not None:
        data["v"] = visitor_tz
    return signing.dumps(data, salt=BOOKING_SALT, compress=True)


def _read(token: str, salt: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(token, salt=salt, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_portal_token(token: str) -> dict[str, Any] | None:
    return _read(token, PORTAL_SALT)


def read_booking_token(token: str) -> dict[str, Any] | None:
    return _read(token, BOOKING_SALT)


def portal_url(client: Client) -> str:
    return settings.SITE_URL + reverse("client_portal", args=[portal_token(client)])


def manage_url(session: Session, client: Client) -> str:
    return settings.SITE_URL + reverse("manage_booking", args=[booking_token(session, client)])
