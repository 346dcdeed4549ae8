"""Tokens are encrypted at rest, never shown, never logged in the call log; keys rotate."""

import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient

from sessiondesk.integrations.zoom.models import OAuthState, ZoomTokenSet
from sessiondesk.meetings.models import CallAttempt
from tests.conftest import login
from tests.integrations.zoom.conftest import connect_through_pages, start


def _every_text_in_the_database() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_the_raw_database_holds_no_token_text(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    start(client)  # an attempt in progress holds a PKCE verifier
    tokens = ZoomTokenSet.objects.get()
    verifier = OAuthState.objects.get().code_verifier
    everything = _every_text_in_the_database()
    for secret in (tokens.access_token, tokens.refresh_token, verifier):
        assert len(secret) > 40
        assert secret not in everything
        assert secret[10:40] not in everything


def test_no_page_and_no_call_log_shows_a_token(client: HttpClient, admin, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    tokens = ZoomTokenSet.objects.get()
    login(client, admin)
    pages = [client.get(url).content.decode() for url in ("/settings/", "/audit/", "/api/v1/me")]
    excerpts = "\n".join(CallAttempt.objects.values_list("excerpt", flat=True))
    for secret in (tokens.access_token, tokens.refresh_token):
        assert all(secret not in page for page in pages)
        assert secret not in excerpts
    assert list(
        CallAttempt.objects.order_by("id").values_list("provider", "operation", "status", "outcome")
    ) == [
        ("zoom", "oauth.token.authorization_code", 200, "ok"),
        ("zoom", "users.me", 200, "ok"),
    ]


def test_rotate_keys_re_encrypts_under_the_newest_key(client: HttpClient, consultant, zoom, settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    start(client)
    plain = ZoomTokenSet.objects.get()
    settings.ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate-keys", stdout=out)
    assert "zoom_zoomtokenset.access_token: 1 re-encrypted" in out.getvalue()
    assert "zoom_zoomtokenset.refresh_token: 1 re-encrypted" in out.getvalue()
    assert "zoom_oauthstate.code_verifier: 1 re-encrypted" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM zoom_zoomtokenset")
        raw_access, raw_refresh = cursor.fetchone()
    assert Fernet(new.encode()).decrypt(raw_access.encode()).decode() == plain.access_token
    assert Fernet(new.encode()).decrypt(raw_refresh.encode()).decode() == plain.refresh_token
    settings.ENCRYPTION_KEYS = [new]  # the old key is retired
    fresh = ZoomTokenSet.objects.get()
    assert (fresh.access_token, fresh.refresh_token) == (plain.access_token, plain.refresh_token)
    assert OAuthState.objects.get().code_verifier
