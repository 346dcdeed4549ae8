"""invalid_grant: the connection needs reconnecting; the person sees a banner, gets one email, and
reminders 1, 3, 7 and 14 days later while it stays broken."""

import datetime as dt

import httpx
import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.integrations.zoom.connection import reconnect, tokens
from sessiondesk.integrations.zoom.errors import from_response
from sessiondesk.integrations.zoom.models import ConnectionStatus, ZoomConnection, ZoomTokenSet
from sessiondesk.notifications.models import OutboundEmail
from tests.conftest import login
from tests.integrations.zoom.token_fixtures import (  # noqa: F401
    carla_zoom_fixture,
    emu_fixture,
    expire,
    token_calls,
    token_emulator_fixture,
)

REMEDY = "Reconnect Zoom in Settings → Meeting Preferences"


def break_it(emu: httpx.Client, connection: ZoomConnection) -> None:
    """Zoom revokes the refresh token behind our back (e.g. the app was re-authorised elsewhere)."""
    refresh_token = ZoomTokenSet.objects.get(connection=connection).refresh_token
    assert emu.post("/_emulator/tokens/revoke", json={"token": refresh_token}).status_code in (200, 204)
    expire(emu, connection)


def test_invalid_grant_marks_the_connection_needs_reconnect(
    emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    break_it(emu, carla_zoom)

    with pytest.raises(tokens.NotConnected) as raised:
        tokens.access_token(carla_zoom)

    assert raised.value.remedy == REMEDY
    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.NEEDS_RECONNECT
    assert carla_zoom.broken_at is not None
    assert carla_zoom.last_error == "Zoom refused to renew the connection: Invalid Token!"
    assert carla_zoom.remedy == REMEDY
    # The dead tokens are gone (deleted, not blanked).
    assert ZoomTokenSet.objects.filter(connection=carla_zoom).count() == 0
    assert [c["status"] for c in token_calls(emu)] == [400]
    assert AuditEntry.objects.filter(action="zoom.needs_reconnect", object_id=str(carla_zoom.pk)).count() == 1


def test_it_emails_the_person_once(emu: httpx.Client, carla_zoom: ZoomConnection) -> None:
    break_it(emu, carla_zoom)
    for _ in range(3):
        with pytest.raises(tokens.NotConnected):
            tokens.access_token(carla_zoom)

    emails = list(OutboundEmail.objects.filter(kind="zoom_needs_reconnect"))
    assert [(e.to, e.subject) for e in emails] == [
        ("carla@acme.test", "Your Zoom connection needs reconnecting")
    ]
    assert REMEDY in emails[0].body_text
    assert "carla@acme.test" in emails[0].body_text
    # Only the first call reached Zoom: a broken connection makes no further calls.
    assert len(token_calls(emu)) == 1


def test_the_banner_shows_on_every_page_for_the_person(
    client: HttpClient, emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    break_it(emu, carla_zoom)
    with pytest.raises(tokens.NotConnected):
        tokens.access_token(carla_zoom)
    login(client, carla_zoom.member)

    for url in ("/", "/clients/", "/settings/"):
        page = client.get(url)
        assert page.status_code == 200
        assert page.content.decode().count('class="zoom-banner"') == 1, url
        assert "Your Zoom connection needs reconnecting." in page.content.decode()
        assert REMEDY in page.content.decode()


def test_the_settings_card_shows_zoom_s_words_apart_from_the_remedy(
    client: HttpClient, emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    break_it(emu, carla_zoom)
    with pytest.raises(tokens.NotConnected):
        tokens.access_token(carla_zoom)
    login(client, carla_zoom.member)

    page = client.get("/settings/").content.decode()

    assert "<p>Zoom refused to renew the connection: Invalid Token!</p>" in page
    assert f"<p><strong>What to do:</strong> {REMEDY}</p>" in page


def test_the_banner_is_not_shown_to_others_or_while_healthy(
    client: HttpClient, emu: httpx.Client, carla_zoom: ZoomConnection, consultant2: Member
) -> None:
    login(client, carla_zoom.member)
    assert 'class="zoom-banner"' not in client.get("/").content.decode()
    break_it(emu, carla_zoom)
    with pytest.raises(tokens.NotConnected):
        tokens.access_token(carla_zoom)

    login(client, consultant2)
    assert 'class="zoom-banner"' not in client.get("/").content.decode()


def test_it_reminds_after_1_3_7_and_14_days_while_broken(
    emu: httpx.Client, carla_zoom: ZoomConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_it(emu, carla_zoom)
    with pytest.raises(tokens.NotConnected):
        tokens.access_token(carla_zoom)
    carla_zoom.refresh_from_db()
    assert carla_zoom.broken_at is not None
    broken_at = carla_zoom.broken_at

    def reminders_after(days: float) -> int:
        monkeypatch.setattr(timezone, "now", lambda: broken_at + dt.timedelta(days=days))
        reconnect.send_reminders(20)
        return OutboundEmail.objects.filter(kind="zoom_reminder").count()

    assert [reminders_after(d) for d in (0.5, 1, 1.5, 3, 6.9, 7, 14, 20, 60)] == [0, 1, 1, 2, 2, 3, 4, 4, 4]
    carla_zoom.refresh_from_db()
    assert carla_zoom.reminders_sent == 4
    reminder = OutboundEmail.objects.filter(kind="zoom_reminder").first()
    assert reminder is not None
    assert (reminder.to, reminder.subject) == ("carla@acme.test", "Reminder: reconnect Zoom")


def test_a_long_pause_sends_one_catch_up_reminder(
    emu: httpx.Client, carla_zoom: ZoomConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconnect.mark_needs_reconnect(carla_zoom, "Zoom refused to renew the connection: Invalid Token!")
    carla_zoom.refresh_from_db()
    later = carla_zoom.broken_at + dt.timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert reconnect.send_reminders(20) == 1
    assert reconnect.send_reminders(20) == 0

    assert OutboundEmail.objects.filter(kind="zoom_reminder").count() == 1
    carla_zoom.refresh_from_db()
    assert carla_zoom.reminders_sent == 3


def test_no_reminder_once_reconnected(
    emu: httpx.Client, carla_zoom: ZoomConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconnect.mark_needs_reconnect(carla_zoom, "Zoom refused to renew the connection: Invalid Token!")
    ZoomConnection.objects.filter(pk=carla_zoom.pk).update(status=ConnectionStatus.ACTIVE)
    carla_zoom.refresh_from_db()
    later = carla_zoom.broken_at + dt.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert reconnect.send_reminders(20) == 0
    assert OutboundEmail.objects.filter(kind="zoom_reminder").count() == 0


def test_a_revoked_access_token_at_the_api_marks_needs_reconnect(
    emu: httpx.Client, carla_zoom: ZoomConnection
) -> None:
    access = ZoomTokenSet.objects.get(connection=carla_zoom).access_token
    emu.post("/_emulator/tokens/revoke", json={"token": access})
    answer = emu.get("/v2/users/me", headers={"Authorization": f"Bearer {access}"})
    assert tokens.api_refused(carla_zoom, from_response(answer)) is True

    carla_zoom.refresh_from_db()
    assert carla_zoom.status == ConnectionStatus.NEEDS_RECONNECT
    assert OutboundEmail.objects.filter(kind="zoom_needs_reconnect").count() == 1
