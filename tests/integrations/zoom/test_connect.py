"""Connecting Zoom end to end against the emulator: personal and organisation accounts."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

from django.test import Client as HttpClient

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.integrations.zoom.models import OAuthState, ZoomConnection, ZoomTokenSet
from tests.conftest import login
from tests.integrations.zoom.conftest import ORG_APP, PERSONAL_APP, connect_through_pages, start


def test_it_connects_a_personal_zoom_account(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    response = connect_through_pages(client, zoom, "carla@zoom.acme.test")
    assert response.status_code == 302
    assert response["Location"] == "/settings/?tab=zoom-personal&at=meeting-preferences#meeting-preferences"
    connection = ZoomConnection.objects.get()
    assert (connection.member, connection.kind, connection.status) == (consultant, "personal", "active")
    assert connection.zoom_user_id == zoom.users["carla@zoom.acme.test"]
    assert connection.zoom_account_id == "acct-acme"
    assert connection.zoom_email == "carla@zoom.acme.test"
    assert connection.zoom_role == "Member"
    assert connection.scopes == {
        "user:read:user",
        "meeting:write:meeting",
        "meeting:update:meeting",
        "meeting:delete:meeting",
        "meeting:read:meeting",
        "meeting:read:list_meetings",
        "meeting:write:registrant",
        "meeting:write:batch_registrants",
        "meeting:read:list_registrants",
        "meeting:update:registrant_status",
    }
    assert connection.zoom_user_type == 2  # licensed: its sessions' clients get their own links
    assert ZoomTokenSet.objects.filter(connection=connection).count() == 1
    assert OAuthState.objects.count() == 0
    assert list(AuditEntry.objects.filter(action__startswith="zoom.").values_list("action", "detail")) == [
        ("zoom.connected", {"kind": "personal", "admin_mode": ""})
    ]
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Zoom is connected as carla@zoom.acme.test." in text
    assert 'class="badge badge-ok">Connected' in text


def test_it_confirms_the_identity_with_users_me(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    calls = [(r["method"], r["path"], r["status"]) for r in zoom.requests()]
    assert calls == [("POST", "/oauth/token", 200), ("GET", "/v2/users/me", 200)]


def test_it_sends_an_s256_challenge_of_the_stored_verifier(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    query = parse_qs(urlsplit(start(client)).query)
    verifier = OAuthState.objects.get().code_verifier
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    assert query["code_challenge"] == [expected]
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [PERSONAL_APP[0]]
    assert query["redirect_uri"] == ["http://testserver/integrations/zoom/callback/"]
    assert len(query["state"][0]) == 43


def test_it_saves_nothing_when_the_emulator_rejects_the_verifier(
    client: HttpClient, consultant, zoom
) -> None:
    login(client, consultant)
    authorize_url = start(client)
    state = OAuthState.objects.get()
    state.code_verifier = "a-different-verifier-" + "x" * 40
    state.save()
    response = client.get(
        zoom.consent(authorize_url, "carla@zoom.acme.test")
        .headers["location"]
        .removeprefix("http://testserver"),
        follow=True,
    )
    assert "Zoom did not accept the authorisation (Invalid code_verifier)" in response.content.decode()
    assert ZoomConnection.objects.count() == 0
    assert ZoomTokenSet.objects.count() == 0
    assert [(r["path"], r["status"]) for r in zoom.requests()] == [("/oauth/token", 400)]
    assert OAuthState.objects.count() == 0


def test_it_connects_the_organisation_account(client: HttpClient, admin, zoom) -> None:
    login(client, admin)
    authorize_url = start(client, "organization", admin_mode="read_write")
    assert parse_qs(urlsplit(authorize_url).query)["client_id"] == [ORG_APP[0]]
    response = client.get(
        zoom.consent(authorize_url, "adam@zoom.acme.test")
        .headers["location"]
        .removeprefix("http://testserver"),
        follow=True,
    )
    connection = ZoomConnection.objects.get()
    assert (connection.kind, connection.member, connection.admin_mode) == (
        "organization",
        admin,
        "read_write",
    )
    assert connection.client_id == ORG_APP[0]
    assert (connection.zoom_email, connection.zoom_role) == ("adam@zoom.acme.test", "Admin")
    text = response.content.decode()
    assert "The organisation&#x27;s Zoom account is connected as adam@zoom.acme.test." in text


def test_the_personal_tab_says_a_personal_connection_is_not_needed(
    client: HttpClient, admin, consultant, zoom
) -> None:
    login(client, admin)
    connect_through_pages(client, zoom, "olivia@zoom.acme.test", "organization")
    login(client, consultant)
    text = client.get("/settings/").content.decode()
    assert "a personal connection is not needed" in text
    assert "Connect with Zoom" in text


def test_it_refuses_an_organisation_account_authorised_by_a_zoom_member(
    client: HttpClient, admin, zoom
) -> None:
    login(client, admin)
    authorize_url = start(client, "organization")
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    # Zoom's own page refuses members for admin-managed apps; the shortcut skips it, SessionDesk must not.
    code = zoom.http.post(
        "/_emulator/oauth/authorize",
        json={
            "client_id": ORG_APP[0],
            "user": "dev@zoom.acme.test",
            "code_challenge": query["code_challenge"],
            "code_challenge_method": "S256",
        },
    ).json()["code"]
    with zoom.committing():
        response = client.get(f"/integrations/zoom/callback/?code={code}&state={query['state']}", follow=True)
    text = response.content.decode()
    assert "dev@zoom.acme.test is a Member of their Zoom account." in text
    assert "must be connected by an owner or admin of that Zoom account" in text
    assert ZoomConnection.objects.count() == 0
    assert ZoomTokenSet.objects.count() == 0
    assert [(r["path"], r["status"]) for r in zoom.requests(path="/oauth/revoke")] == [("/oauth/revoke", 200)]


def test_the_emulator_consent_page_refuses_members_for_the_admin_managed_app(
    client: HttpClient, admin, zoom
) -> None:
    login(client, admin)
    answer = zoom.consent(start(client, "organization"), "dev@zoom.acme.test")
    assert answer.status_code == 200
    assert "can only be installed by an account owner or admin" in answer.text


def test_a_consultant_may_not_connect_the_organisation_account(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    response = client.post("/integrations/zoom/connect/organization/", follow=True)
    assert "Only owners and admins can connect or remove the organisation" in response.content.decode()
    assert OAuthState.objects.count() == 0
    assert zoom.requests() == []


def test_staff_may_not_connect_a_personal_account(client: HttpClient, staff, zoom) -> None:
    login(client, staff)
    response = client.post("/integrations/zoom/connect/personal/", follow=True)
    assert "Staff members schedule for others and do not host sessions" in response.content.decode()
    assert OAuthState.objects.count() == 0


def test_the_owner_may_connect_a_personal_account(client: HttpClient, owner, zoom) -> None:
    login(client, owner)
    connect_through_pages(client, zoom, "olivia@zoom.acme.test")
    assert ZoomConnection.objects.get().member == owner


def test_connecting_requires_login(client: HttpClient, db, zoom) -> None:
    response = client.post("/integrations/zoom/connect/personal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert OAuthState.objects.count() == 0


def test_connect_only_accepts_post(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    assert client.get("/integrations/zoom/connect/personal/").status_code == 405


def test_an_unknown_kind_is_not_found(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    assert client.post("/integrations/zoom/connect/team/").status_code == 404


def test_a_new_authorisation_replaces_the_previous_connection(client: HttpClient, consultant, zoom) -> None:
    login(client, consultant)
    connect_through_pages(client, zoom, "carla@zoom.acme.test")
    first = ZoomConnection.objects.get()
    connect_through_pages(client, zoom, "dev@zoom.acme.test")
    connection = ZoomConnection.objects.get()
    assert connection.pk == first.pk
    assert connection.zoom_email == "dev@zoom.acme.test"
    assert ZoomTokenSet.objects.count() == 1
    # The Zoom user it replaced has the app uninstalled.
    revokes = zoom.requests(path="/oauth/revoke")
    assert [(r["user_id"], r["status"]) for r in revokes] == [(zoom.users["carla@zoom.acme.test"], 200)]
    assert list(
        AuditEntry.objects.filter(action__startswith="zoom.").order_by("pk").values_list("action", flat=True)
    ) == [
        "zoom.connected",
        "zoom.reconnected",
    ]
