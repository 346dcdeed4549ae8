"""A member's Zoom connection made through the emulator's OAuth endpoints and stored as the connect
flow stores it, for tests whose subject is what comes after connecting."""

import datetime as dt

import httpx
from django.conf import settings
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.models import ConnectionKind, ZoomConnection, ZoomTokenSet

# Registered for SessionDesk's apps by every emulator seed of the suite.
REDIRECT = "http://testserver/integrations/zoom/callback/"


def connect(
    emu: httpx.Client, member: Member, zoom_user: str, kind: str = ConnectionKind.PERSONAL
) -> ZoomConnection:
    """``zoom_user`` authorises SessionDesk's app for ``kind`` at the emulator (its HTTP interface,
    ``emu``); the code is exchanged and the identity read through SessionDesk's client. Clears the
    emulator's request log, so a test sees only the calls made after connecting."""
    org_app = kind == ConnectionKind.ORGANIZATION
    client_id = settings.ZOOM_ORG_CLIENT_ID if org_app else settings.ZOOM_CLIENT_ID
    answer = emu.post(
        "/_emulator/oauth/authorize",
        json={"client_id": client_id, "user": zoom_user, "redirect_uri": REDIRECT},
    )
    assert answer.status_code == 201, answer.text
    tokens = client.exchange_code(answer.json()["code"], code_verifier="", redirect_uri=REDIRECT, kind=kind)
    me = client.get_me(tokens.access_token)
    connection = ZoomConnection.objects.create(
        org=member.org,
        member=member,
        kind=kind,
        zoom_user_id=me.id,
        zoom_account_id=me.account_id,
        zoom_email=me.email,
        zoom_role=me.role_label,
        zoom_user_type=me.type,
        granted_scopes=tokens.scope,
    )
    ZoomTokenSet.objects.create(
        connection=connection,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=timezone.now() + dt.timedelta(seconds=tokens.expires_in),
    )
    assert emu.delete("/_emulator/requests").status_code == 204
    return connection
