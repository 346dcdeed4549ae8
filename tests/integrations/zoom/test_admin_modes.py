"""Read-only and Read/Write for the organisation account. Zoom grants the scopes configured on an app,
so Read-only connects through the read-only app (read scopes only) when one is configured, and says
plainly what Zoom will show when none is; changing the mode goes through Zoom's consent again."""

import datetime as dt
import html
from urllib.parse import parse_qs, urlsplit

from django.test import Client as HttpClient
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom.connection import actions, deauthorize, scopes, tokens
from sessiondesk.integrations.zoom.devseed import seed_data
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from tests.conftest import login
from tests.integrations.zoom.conftest import (
    ORG_APP,
    READ_ONLY_APP,
    Emulator,
    back_from_zoom,
    connect_through_pages,
)
from zoom_emulator.app import EmulatorApp

WRITE = [need.name for need in scopes.ORGANIZATION_WRITE]
READ = scopes.registration_list("organization_read_only")
ADMIN = "adam@zoom.acme.test"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def client_id_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["client_id"][0]


def connect_org(client: HttpClient, zoom: Emulator, mode: str) -> ZoomConnection:
    connect_through_pages(client, zoom, ADMIN, "organization", admin_mode=mode)
    return ZoomConnection.objects.get(status="active")


def switch(client: HttpClient, mode: str):  # type: ignore[no-untyped-def]
    return client.post("/integrations/zoom/admin-mode/", {"admin_mode": mode})


def revokes(zoom: Emulator) -> list[tuple[str, int]]:
    return [(r["client_id"], r["status"]) for r in zoom.requests(path="/oauth/revoke")]


def test_read_only_connects_through_the_read_only_app_whose_consent_asks_only_for_read_scopes(
    client: HttpClient, admin: Member, zoom: Emulator
) -> None:
    login(client, admin)
    authorize = client.post("/integrations/zoom/connect/organization/", {"admin_mode": "read_only"})[
        "Location"
    ]

    consent = zoom.http.get(authorize.removeprefix("http://zoom.test")).text
    assert client_id_of(authorize) == READ_ONLY_APP[0]
    assert [s for s in READ if f"<code>{s}</code>" in consent] == READ
    assert [s for s in WRITE if s in consent] == []

    with zoom.committing():
        back_from_zoom(client, zoom.consent(authorize, ADMIN))
    connection = ZoomConnection.objects.get()
    assert (connection.admin_mode, connection.client_id) == ("read_only", READ_ONLY_APP[0])
    assert connection.scopes == set(READ)
    assert scopes.granted_writes(connection.scopes) == []


def test_a_read_only_app_holding_a_write_scope_is_refused_and_nothing_is_saved(
    client: HttpClient, admin: Member, zoom: Emulator
) -> None:
    zoom.app.state.apps[READ_ONLY_APP[0]].scopes.append("user:write:user:admin")
    login(client, admin)

    response = connect_through_pages(client, zoom, ADMIN, "organization", follow=True, admin_mode="read_only")

    assert (
        "The read-only Zoom app granted write scopes, so nothing was saved: user:write:user:admin. Remove "
        "them from that app in the Zoom Marketplace (it must hold read scopes only), then connect again."
    ) in text(response)
    assert ZoomConnection.objects.count() == 0
    assert ZoomTokenSet.objects.count() == 0
    assert revokes(zoom) == [(READ_ONLY_APP[0], 200)]


def test_switching_to_read_write_goes_through_zoom_consent_again(
    client: HttpClient, admin: Member, zoom: Emulator
) -> None:
    login(client, admin)
    read_only = connect_org(client, zoom, "read_only")
    old_token = ZoomTokenSet.objects.get().access_token

    asked = switch(client, "read_write")

    assert asked.status_code == 302
    assert client_id_of(asked["Location"]) == ORG_APP[0]
    read_only.refresh_from_db()
    assert (read_only.admin_mode, read_only.client_id) == (
        "read_only",
        READ_ONLY_APP[0],
    )  # not before Zoom's yes

    with zoom.committing():
        back_from_zoom(client, zoom.consent(asked["Location"], ADMIN))
    connection = ZoomConnection.objects.get()
    assert connection.pk == read_only.pk
    assert (connection.admin_mode, connection.client_id) == ("read_write", ORG_APP[0])
    assert scopes.granted_writes(connection.scopes) == sorted(WRITE)
    assert ZoomTokenSet.objects.get().access_token != old_token
    assert revokes(zoom) == [(READ_ONLY_APP[0], 200)]  # the read-only app's grant is given back


def test_switching_to_read_only_reconnects_so_no_write_scope_stays_granted(
    client: HttpClient, admin: Member, zoom: Emulator
) -> None:
    login(client, admin)
    connect_org(client, zoom, "read_write")

    asked = switch(client, "read_only")

    assert client_id_of(asked["Location"]) == READ_ONLY_APP[0]
    with zoom.committing():
        back_from_zoom(client, zoom.consent(asked["Location"], ADMIN))
    connection = ZoomConnection.objects.get()
    assert (connection.admin_mode, connection.client_id) == ("read_only", READ_ONLY_APP[0])
    assert scopes.granted_writes(connection.scopes) == []
    assert revokes(zoom) == [(ORG_APP[0], 200)]
    # Zoom's app_deauthorized for the organisation app's grant leaves the read-only connection alone.
    gone = deauthorize.revoke_connections(
        {"payload": {"user_id": connection.zoom_user_id, "account_id": "acct-acme", "client_id": ORG_APP[0]}}
    )
    assert gone == []
    assert ZoomConnection.objects.get().status == "active"


def test_choosing_the_mode_already_in_use_changes_nothing(
    client: HttpClient, admin: Member, zoom: Emulator
) -> None:
    login(client, admin)
    connect_org(client, zoom, "read_write")
    before = len(zoom.requests())
    response = switch(client, "read_write")
    assert response.status_code == 302
    assert "/settings/" in response["Location"]
    assert "Zoom user administration is already Read/Write." in text(client.get(response["Location"]))
    assert len(zoom.requests()) == before


def test_a_read_only_connection_refreshes_and_revokes_with_the_read_only_app(
    client: HttpClient, admin: Member, zoom: Emulator
) -> None:
    login(client, admin)
    connection = connect_org(client, zoom, "read_only")
    ZoomTokenSet.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    tokens.access_token(connection)
    with zoom.committing():
        actions.disconnect(connection, admin)

    refreshes = zoom.requests(path="/oauth/token")
    assert [(r["client_id"], r["status"]) for r in refreshes][-1] == (READ_ONLY_APP[0], 200)
    assert revokes(zoom) == [(READ_ONLY_APP[0], 200)]


def test_only_the_removed_app_s_connection_is_deauthorised(
    client: HttpClient, admin: Member, zoom: Emulator
) -> None:
    login(client, admin)
    connection = connect_org(client, zoom, "read_only")
    event = {"user_id": connection.zoom_user_id, "account_id": "acct-acme"}

    assert deauthorize.revoke_connections({"payload": {**event, "client_id": ORG_APP[0]}}) == []
    assert deauthorize.revoke_connections({"payload": {**event, "client_id": READ_ONLY_APP[0]}}) == [
        connection
    ]
    assert (ZoomConnection.objects.get().status, ZoomTokenSet.objects.count()) == ("revoked", 0)


def test_without_a_read_only_app_read_only_says_what_zoom_will_show(
    client: HttpClient, admin: Member, zoom: Emulator, settings
) -> None:
    settings.ZOOM_ORG_READONLY_CLIENT_ID = settings.ZOOM_ORG_READONLY_CLIENT_SECRET = ""
    login(client, admin)
    page = text(client.get("/settings/?tab=zoom-organization"))
    assert (
        "With Read-only, Zoom's consent page still lists the organisation app's write scopes\n  ("
        + ", ".join(WRITE)
        + "): Zoom grants the scopes configured on an app, and SessionDesk cannot ask for fewer."
    ) in page
    authorize = client.post("/integrations/zoom/connect/organization/", {"admin_mode": "read_only"})[
        "Location"
    ]
    assert client_id_of(authorize) == ORG_APP[0]
    with zoom.committing():
        back_from_zoom(client, zoom.consent(authorize, ADMIN))
    connection = ZoomConnection.objects.get()
    assert (connection.admin_mode, connection.client_id) == ("read_only", ORG_APP[0])
    card = text(client.get("/settings/?tab=zoom-organization"))
    assert f"Zoom's authorisation still holds write scopes ({', '.join(sorted(WRITE))})" in card


def test_without_a_read_only_app_switching_to_read_only_says_the_write_scopes_stay(
    client: HttpClient, admin: Member, zoom: Emulator, settings
) -> None:
    settings.ZOOM_ORG_READONLY_CLIENT_ID = settings.ZOOM_ORG_READONLY_CLIENT_SECRET = ""
    login(client, admin)
    connect_org(client, zoom, "read_write")
    before = len(zoom.requests())

    response = client.post("/integrations/zoom/admin-mode/", {"admin_mode": "read_only"}, follow=True)

    assert "Zoom user administration is now Read-only. SessionDesk changes nothing in Zoom" in text(response)
    assert "still holds the write scopes of the organisation app" in text(response)
    assert ZoomConnection.objects.get().admin_mode == "read_only"
    assert len(zoom.requests()) == before


def test_the_development_seed_registers_the_read_only_app_with_read_scopes(settings) -> None:
    apps = {app["client_id"]: app for app in seed_data("http://localhost:8000")["apps"]}
    read_only = apps[settings.ZOOM_ORG_READONLY_CLIENT_ID]
    assert (read_only["type"], read_only["scopes"]) == ("admin", READ)
    assert set(apps[settings.ZOOM_ORG_CLIENT_ID]["scopes"]) == set(READ) | set(WRITE)


def test_the_emulator_consent_lists_exactly_the_app_s_configured_scopes(zoom: Emulator) -> None:
    app: EmulatorApp = zoom.app
    page = zoom.http.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": READ_ONLY_APP[0],
            "redirect_uri": app.state.apps[READ_ONLY_APP[0]].redirect_uris[0],
        },
    ).text
    assert page.count("<li><code>") == len(READ)
