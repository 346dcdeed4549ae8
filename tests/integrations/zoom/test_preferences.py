"""Settings → Meeting Preferences: the platform choice, and Zoom hidden when not configured."""

from django.test import Client as HttpClient

from sessiondesk.integrations.zoom.models import MeetingPreference
from tests.conftest import login
from tests.integrations.zoom.conftest import back_from_zoom, connect_through_pages, start


def test_it_shows_the_card_with_zoom_tabs(client: HttpClient, admin, zoom) -> None:
    login(client, admin)
    text = client.get("/settings/").content.decode()
    assert "<h2>Meeting Preferences</h2>" in text
    assert 'data-zoom-tab="zoom-personal"' in text
    assert 'data-zoom-tab="zoom-organization"' in text
    assert "Connect organisation Zoom account" in text


def test_the_folded_zoom_card_says_it_opens(client: HttpClient, admin, zoom) -> None:
    login(client, admin)
    text = client.get("/settings/").content.decode()
    assert '<span class="badge">Not connected</span>' in text
    assert '<span class="when-closed">Set up Zoom</span><span class="when-open">Hide</span>' in text


def test_it_saves_the_platform_choice(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    response = client.post(
        "/integrations/zoom/preferences/",
        {"platform": "custom", "custom_url": "https://meet.example.com/carla"},
    )
    assert response.status_code == 302
    preference = MeetingPreference.objects.get(member=consultant)
    assert (preference.platform, preference.custom_url) == ("custom", "https://meet.example.com/carla")


def test_a_new_session_starts_with_the_preferred_platform_and_its_link(
    client: HttpClient, consultant, zoom
) -> None:
    """The link kept with "Custom link" is the new session's, as the card says ("Used for every
    online session when you choose Custom link")."""
    login(client, consultant)
    client.post(
        "/integrations/zoom/preferences/",
        {"platform": "custom", "custom_url": "https://meet.example.com/carla"},
    )
    custom = client.get("/sessions/new/").content.decode()
    client.post("/integrations/zoom/preferences/", {"platform": "zoom", "custom_url": ""})
    zoom_again = client.get("/sessions/new/").content.decode()

    assert '<option value="custom" selected>' in custom
    assert 'name="custom_meeting_url" value="https://meet.example.com/carla"' in custom
    assert '<option value="zoom" selected>' in zoom_again
    assert "https://meet.example.com/carla" not in zoom_again


def test_a_custom_link_needs_a_url(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    response = client.post("/integrations/zoom/preferences/", {"platform": "custom", "custom_url": ""})
    assert response.status_code == 400
    assert "Enter the meeting link to use with “Custom link”." in response.content.decode()
    assert MeetingPreference.objects.count() == 0


def test_an_unknown_platform_is_refused(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    assert client.post("/integrations/zoom/preferences/", {"platform": "skype"}).status_code == 400
    assert MeetingPreference.objects.count() == 0


def test_preferences_require_login(client: HttpClient, db) -> None:
    response = client.post("/integrations/zoom/preferences/", {"platform": "none"})
    assert response.status_code == 302
    assert MeetingPreference.objects.count() == 0


def test_zoom_is_hidden_when_not_configured(client: HttpClient, consultant, settings) -> None:
    settings.ZOOM_ENABLED = False
    login(client, consultant)
    text = client.get("/settings/").content.decode()
    assert "Meeting Preferences" in text
    assert "Connect with Zoom" not in text
    assert 'value="zoom"' not in text
    assert client.post("/integrations/zoom/connect/personal/").status_code == 404
    assert client.post("/integrations/zoom/preferences/", {"platform": "zoom"}).status_code == 400


def test_staff_see_why_they_cannot_connect(client: HttpClient, staff, zoom) -> None:
    login(client, staff)
    text = client.get("/settings/").content.decode()
    assert "Staff members schedule for others and do not host sessions" in text
    assert "Connect with Zoom</button>" not in text


def _card(text: str) -> str:
    """The Meeting Preferences card's HTML (up to the API tokens card that follows it)."""
    return text.split('id="meeting-preferences"')[1].split('id="api-tokens"')[0]


def test_a_return_from_zoom_shows_its_message_inside_the_card_it_scrolls_to(
    client: HttpClient, consultant, consultant2, zoom
) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    login(client, consultant2)
    response = back_from_zoom(client, zoom.consent(start(client), "carla@zoom.acme.test"), follow=True)
    assert response.redirect_chain[-1][0] == (
        "/settings/?tab=zoom-personal&at=meeting-preferences#meeting-preferences"
    )
    text = response.content.decode()
    refusal = "The Zoom user carla@zoom.acme.test is already linked to Carla Consultant."
    assert text.count(refusal) == 1
    assert refusal in _card(text)
    assert text.count('<ul class="messages">') == 1


def test_saved_preferences_are_confirmed_inside_the_card(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    response = client.post("/integrations/zoom/preferences/", {"platform": "zoom"}, follow=True)
    assert response.redirect_chain == [("/settings/?at=meeting-preferences#meeting-preferences", 302)]
    text = response.content.decode()
    assert text.count("Your meeting preferences were saved.") == 1
    assert "Your meeting preferences were saved." in _card(text)


def test_messages_stay_at_the_top_of_a_page_not_opened_at_a_card(
    client: HttpClient, consultant, zoom
) -> None:
    login(client, consultant)
    response = client.post("/settings/profile/", {"name": "Carla C", "timezone": "UTC"}, follow=True)
    assert response.redirect_chain == [("/settings/", 302)]
    text = response.content.decode()
    assert text.count("Your profile was saved.") == 1
    assert "Your profile was saved." not in _card(text)
    client.post("/settings/profile/", {"name": "Carla C", "timezone": "UTC"})
    unknown = client.get("/settings/?at=nowhere").content.decode()  # no card there: nothing is hidden
    assert unknown.count("Your profile was saved.") == 1
    assert "Your profile was saved." not in _card(unknown)
