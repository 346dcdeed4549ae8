"""The Integration health page: admins only, this organisation's connections only."""

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection
from tests.conftest import login

URL = "/integrations/zoom/health/"


def connection(member: Member, email: str, **fields: Any) -> ZoomConnection:
    return ZoomConnection.objects.create(
        org=member.org,
        member=member,
        kind=fields.pop("kind", ConnectionKind.PERSONAL),
        zoom_user_id=f"zu-{email}",
        zoom_account_id="acct-acme",
        zoom_email=email,
        granted_scopes="user:read:user meeting:write:meeting",
        **fields,
    )


def test_it_requires_login(client: HttpClient, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["consultant", "staff"])
def test_it_requires_an_admin(client: HttpClient, who: str, request: pytest.FixtureRequest) -> None:
    login(client, request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owners_and_admins_see_it(client: HttpClient, who: str, request: pytest.FixtureRequest) -> None:
    login(client, request.getfixturevalue(who))
    page = client.get(URL)
    assert page.status_code == 200
    assert "Integration health" in page.content.decode()


def test_it_lists_every_connection_with_status_scopes_and_remedy(
    client: HttpClient, admin: Member, consultant: Member, consultant2: Member
) -> None:
    connection(consultant, "carla@zoom.test", last_refresh_at=timezone.now())
    connection(
        consultant2,
        "dev@zoom.test",
        status=ConnectionStatus.NEEDS_RECONNECT,
        last_error="Zoom refused to renew the connection: Invalid Token!",
        remedy="Reconnect Zoom in Settings → Meeting Preferences",
    )
    connection(admin, "admin@zoom.test", kind=ConnectionKind.ORGANIZATION, status=ConnectionStatus.REVOKED)
    login(client, admin)

    html = client.get(URL).content.decode()

    for text in (
        "Carla Consultant",
        "carla@zoom.test",
        '<span class="badge badge-ok">Active</span>',
        "Dev Consultant",
        '<span class="badge badge-warn">Needs reconnect</span>',
        "Zoom refused to renew the connection: Invalid Token!",
        "Reconnect Zoom in Settings → Meeting Preferences",
        '<span class="badge badge-bad">Revoked</span>',
        "<code>meeting:write:meeting</code>",
        "<code>user:read:user</code>",
    ):
        assert text in html, text
    assert html.count("<tr>") == 4  # header and three connections


def test_it_shows_the_urls_to_register_in_the_zoom_marketplace(
    client: HttpClient, admin: Member, settings: Any
) -> None:
    """The public addresses, from SITE_URL, whatever address the admin reads the page at (here the
    test client's own host, testserver)."""
    settings.SITE_URL = "https://desk.example.test"
    settings.ZOOM_REDIRECT_URL = "https://desk.example.test/integrations/zoom/callback/"
    login(client, admin)

    html = client.get(URL).content.decode()

    assert "<code>https://desk.example.test/integrations/zoom/callback/</code>" in html
    assert "<code>https://desk.example.test/integrations/zoom/webhook/</code>" in html
    assert "<code>https://desk.example.test/help/zoom/</code>" in html
    assert "testserver" not in html


def test_it_shows_a_helpful_empty_state(client: HttpClient, admin: Member) -> None:
    login(client, admin)
    assert "No Zoom account is connected yet." in client.get(URL).content.decode()


def test_another_organisation_sees_none_of_our_connections(
    client: HttpClient, consultant: Member, outsider: Member
) -> None:
    connection(consultant, "carla@zoom.test")
    login(client, outsider)

    html = client.get(URL).content.decode()

    assert "carla@zoom.test" not in html
    assert "No Zoom account is connected yet." in html


def test_the_nav_links_it_for_admins_only(client: HttpClient, admin: Member, consultant: Member) -> None:
    login(client, admin)
    assert f'href="{URL}"' in client.get("/").content.decode()
    login(client, consultant)
    assert f'href="{URL}"' not in client.get("/").content.decode()


def test_last_refresh_is_shown_in_the_viewers_time_zone(
    client: HttpClient, admin: Member, consultant: Member
) -> None:
    import datetime as dt

    connection(
        consultant, "carla@zoom.test", last_refresh_at=dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
    )
    admin.user.timezone = "Asia/Tokyo"
    admin.user.save()
    login(client, admin)

    html = client.get(URL).content.decode()

    assert "21 Nov 2026, 00:30" in html
    assert "Times are shown in your time zone, Asia/Tokyo." in html


def test_it_names_the_report_scope_an_organisation_account_lacks(client: HttpClient, admin: Member) -> None:
    account = connection(admin, "admin@zoom.test", kind=ConnectionKind.ORGANIZATION)
    login(client, admin)
    html = client.get(URL).content.decode()
    assert "<strong>Attendance reports need:</strong>" in html
    assert "<code>report:read:list_meeting_participants:admin</code>" in html
    account.granted_scopes += " report:read:list_meeting_participants:admin"
    account.save()
    assert "Attendance reports need:" not in client.get(URL).content.decode()


def test_a_personal_connection_is_not_asked_for_reports(
    client: HttpClient, admin: Member, consultant: Member
) -> None:
    connection(consultant, "carla@zoom.test")
    login(client, admin)
    assert "Attendance reports need:" not in client.get(URL).content.decode()
