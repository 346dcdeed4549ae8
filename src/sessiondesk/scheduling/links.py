"""Signed links for clients, who have no password: their portal and the management of one booking."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from sessiondesk.scheduling.models import Client, Session

PORTAL_SALT = "sessiondesk.client-portal"
BOOKING_SALT = "sessiondesk.manage-booking"
MAX_AGE = 60 * 60 * 24 * 365


def portal_token(client: Client) -> str:
    return signing.dumps({"c": client.pk, "o": client.org_id}, salt=PORTAL_SALT, compress=True)


def booking_token(session: Session, client: Client) -> str:
    return signing.dumps({"s": session.pk, "c": client.pk}, salt=BOOKING_SALT, compress=True)


def read_portal_token(token: str) -> dict[str, int] | None:
    try:
        return signing.loads(token, salt=PORTAL_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None


def read_booking_token(token: str) -> dict[str, int] | None:
    try:
        return signing.loads(token, salt=BOOKING_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None


def portal_url(client: Client) -> str:
    return settings.SITE_URL + reverse("client_portal", args=[portal_token(client)])


def manage_url(session: Session, client: Client) -> str:
    return settings.SITE_URL + reverse("manage_booking", args=[booking_token(session, client)])
