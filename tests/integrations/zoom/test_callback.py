"""The way back from Zoom: state checks, Decline, an expired login, missing scopes, the one-link rule."""

import datetime as dt
import html
from urllib.parse import parse_qs, urlsplit

from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.integrations.zoom import client as zoom_client
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import OAuthState, ZoomConnection, ZoomTokenSet
from tests.conftest import login
from tests.integrations.zoom.conftest import NARROW_APP, back_from_zoom, connect_through_pages, start


def _code_and_state(zoom, authorize_url: str, user: str) -> tuple[str, str]:
    location = zoom.consent(authorize_url, user).headers["location"]
    query = parse_qs(urlsplit(location).query)
    return query["code"][0], query["state"][0]


def _nothing_saved(zoom) -> None:
    assert ZoomConnection.objects.count() == 0
    assert ZoomTokenSet.objects.count() == 0
    assert [r for r in zoom.requests() if r["path"] == "/oauth/token"] == []


def test_it_refuses_a_missing_state(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    code, _ = _code_and_state(zoom, start(client), "carla@zoom.acme.test")
    response = client.get(f"/integrations/zoom/callback/?code={code}", follow=True)
    assert "without the security code SessionDesk needs, so nothing was saved" in response.content.decode()
    _nothing_saved(zoom)
    assert OAuthState.objects.count() == 1


def test_it_refuses_a_forged_state(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    code, state = _code_and_state(zoom, start(client), "carla@zoom.acme.test")
    response = client.get(f"/integrations/zoom/callback/?code={code}&state={state[:-2]}xx", follow=True)
    assert "already used or is not valid, so nothing was saved" in response.content.decode()
    _nothing_saved(zoom)


def test_it_refuses_a_replayed_state(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    code, state = _code_and_state(zoom, start(client), "carla@zoom.acme.test")
    url = f"/integrations/zoom/callback/?code={code}&state={state}"
    client.get(url)
    assert ZoomConnection.objects.count() == 1
    tokens_before = ZoomTokenSet.objects.get().access_token
    response = client.get(url, follow=True)
    assert "already used or is not valid" in response.content.decode()
    assert ZoomTokenSet.objects.get().access_token == tokens_before
    assert len([r for r in zoom.requests() if r["path"] == "/oauth/token"]) == 1


def test_it_refuses_an_expired_state(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    code, state = _code_and_state(zoom, start(client), "carla@zoom.acme.test")
    OAuthState.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(f"/integrations/zoom/callback/?code={code}&state={state}", follow=True)
    assert "took longer than 10 minutes and expired, so nothing was saved" in response.content.decode()
    _nothing_saved(zoom)
    assert OAuthState.objects.count() == 0


def test_it_refuses_a_state_started_by_someone_else(
    client: HttpClient, consultant, consultant2, zoom
) -> None:
    login(client, consultant)
    code, state = _code_and_state(zoom, start(client), "carla@zoom.acme.test")
    login(client, consultant2)
    response = client.get(f"/integrations/zoom/callback/?code={code}&state={state}", follow=True)
    assert "started by someone else, so nothing was saved" in response.content.decode()
    _nothing_saved(zoom)


def test_the_state_lives_ten_minutes(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    start(client)
    row = OAuthState.objects.get()
    assert row.expires_at - row.created_at == dt.timedelta(minutes=10)
    assert row.member == consultant


def test_declining_at_zoom_returns_to_settings_with_an_explanation(
    client: HttpClient, consultant, zoom
) -> None:
    login(client, consultant)
    answer = zoom.consent(start(client), "carla@zoom.acme.test", decision="decline")
    assert "error=access_denied" in answer.headers["location"]
    response = back_from_zoom(client, answer, follow=True)
    assert (
        response.redirect_chain[-1][0]
        == "/settings/?tab=zoom-personal&at=meeting-preferences#meeting-preferences"
    )
    assert (
        "You chose Decline at Zoom, so Zoom is not connected and nothing was saved."
        in response.content.decode()
    )
    _nothing_saved(zoom)
    assert OAuthState.objects.count() == 0


def test_an_expired_login_at_the_callback_logs_in_then_finishes(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    answer = zoom.consent(start(client), "carla@zoom.acme.test")
    client.logout()
    callback = answer.headers["location"].removeprefix("http://testserver")
    response = client.get(callback)
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/login/?next=/integrations/zoom/callback/")
    assert ZoomConnection.objects.count() == 0
    page = client.post(login_url, {"username": "carla@acme.test", "password": "correct-horse-battery"})
    assert page.status_code == 302
    assert page["Location"] == callback
    finished = client.get(page["Location"], follow=True)
    assert "Zoom is connected as carla@zoom.acme.test." in finished.content.decode()
    assert ZoomConnection.objects.get().member == consultant


def test_it_names_missing_scopes_and_what_they_are_for(
    client: HttpClient, consultant, zoom, settings
) -> None:
    settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = NARROW_APP
    login(client, consultant)
    with zoom.committing():
        response = back_from_zoom(client, zoom.consent(start(client), "carla@zoom.acme.test"), follow=True)
    text = response.content.decode()
    assert "did not grant the permissions SessionDesk needs, so nothing was saved" in text
    assert "meeting:write:meeting (to create a Zoom meeting for each online session)" in text
    assert "meeting:delete:meeting (to delete the meeting when its session is cancelled)" in text
    assert "user:read:user" not in text.split("Missing:")[1]
    assert ZoomConnection.objects.count() == 0
    assert ZoomTokenSet.objects.count() == 0
    assert [(r["path"], r["status"]) for r in zoom.requests(path="/oauth/revoke")] == [("/oauth/revoke", 200)]


def test_one_zoom_user_links_to_one_member(client: HttpClient, consultant, consultant2, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    held = ZoomConnection.objects.get()
    login(client, consultant2)
    response = back_from_zoom(client, zoom.consent(start(client), "carla@zoom.acme.test"), follow=True)
    text = response.content.decode()
    assert "The Zoom user carla@zoom.acme.test is already linked to Carla Consultant." in text
    assert "One Zoom user can be linked to only one SessionDesk member at a time" in text
    assert list(ZoomConnection.objects.values_list("member", flat=True)) == [consultant.pk]
    # Zoom superseded Carla's tokens when the same Zoom user authorised again; her link keeps working.
    tokens = ZoomTokenSet.objects.get(connection=held)
    assert zoom_client.get_me(tokens.access_token).email == "carla@zoom.acme.test"
    assert zoom.requests(path="/oauth/revoke") == []


def test_a_zoom_user_linked_on_the_zoom_users_page_is_not_connected_by_another_member(
    client: HttpClient, consultant, consultant2, zoom
) -> None:
    # The organisation's directory links carla@ to Carla; her personal connection was removed inside Zoom.
    DirectoryUser.objects.create(
        org=consultant.org,
        zoom_account_id="acct-acme",
        zoom_user_id=zoom.users["carla@zoom.acme.test"],
        email="carla@zoom.acme.test",
        member=consultant,
    )
    login(client, consultant2)

    response = connect_through_pages(client, zoom, "carla@zoom.acme.test", follow=True)

    text = html.unescape(response.content.decode())
    assert (
        "The Zoom user carla@zoom.acme.test is already linked to Carla Consultant. That link is on the "
        "organisation's Zoom Users page. One Zoom user can be linked to only one SessionDesk member at a "
        "time, so that each session's meeting has one clear host. Sign in to Zoom as your own Zoom user, or "
        "ask an admin to unlink it on the Zoom Users page if the link is wrong. Nothing was saved."
    ) in text
    assert ZoomConnection.objects.count() == 0
    assert ZoomTokenSet.objects.count() == 0
    assert [r["status"] for r in zoom.requests(path="/oauth/revoke")] == [200]  # Dev's fresh tokens
    assert not AuditEntry.objects.filter(action="zoom.connected").exists()

    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    assert list(ZoomConnection.objects.values_list("member", "status")) == [(consultant.pk, "active")]


def test_a_pending_zoom_user_linked_on_the_page_is_known_by_its_email(
    client: HttpClient, consultant, consultant2, zoom
) -> None:
    DirectoryUser.objects.create(
        org=consultant.org, zoom_account_id="acct-acme", email="carla@zoom.acme.test", member=consultant
    )
    login(client, consultant2)
    response = connect_through_pages(client, zoom, "carla@zoom.acme.test", follow=True)
    assert "is already linked to Carla Consultant. That link is on the" in html.unescape(
        response.content.decode()
    )
    assert ZoomConnection.objects.count() == 0


def test_the_link_rule_does_not_name_members_of_other_organisations(
    client: HttpClient, consultant, outsider, zoom
) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    login(client, outsider)
    response = back_from_zoom(client, zoom.consent(start(client), "carla@zoom.acme.test"), follow=True)
    text = response.content.decode()
    assert "already linked to another SessionDesk account" in text
    assert "Carla" not in text.split("already linked")[1].split(".")[0]


def test_an_admin_releases_a_stale_link(client: HttpClient, admin, consultant, consultant2, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    stale = ZoomConnection.objects.get()
    login(client, admin)
    response = client.post(f"/integrations/zoom/links/{stale.pk}/release/", follow=True)
    assert "The link to the Zoom user carla@zoom.acme.test was released." in response.content.decode()
    stale.refresh_from_db()
    assert stale.status == "revoked"
    assert ZoomTokenSet.objects.count() == 0
    entry = AuditEntry.objects.get(action="zoom.link_released")
    assert (entry.actor, entry.detail) == (admin, {"holder": "Carla Consultant"})
    login(client, consultant2)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    assert ZoomConnection.objects.get(status="active").member == consultant2


def test_releasing_a_link_requires_an_admin(client: HttpClient, consultant, staff, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    link = ZoomConnection.objects.get()
    login(client, staff)
    assert client.post(f"/integrations/zoom/links/{link.pk}/release/").status_code == 403
    assert ZoomConnection.objects.get().status == "active"


def test_another_organisation_cannot_release_a_link(client: HttpClient, consultant, outsider, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    link = ZoomConnection.objects.get()
    login(client, outsider)
    assert client.post(f"/integrations/zoom/links/{link.pk}/release/").status_code == 404
    assert ZoomConnection.objects.get().status == "active"
