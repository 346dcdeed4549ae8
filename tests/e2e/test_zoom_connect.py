"""Connecting Zoom in Chromium: Settings → Zoom's consent page (the emulator on a real port) → back
with the badge; disconnecting through the dialog; and the organisation account."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.models import ZoomConnection, ZoomTokenSet
from tests.e2e.test_first_booking import log_in
from tests.e2e.zoom_apps import point_at, sessiondesk_apps
from zoom_emulator import seed
from zoom_emulator.app import create_app
from zoom_emulator.server import make_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zoom_server(live_server, settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    app = create_app()
    server = make_server(app, "127.0.0.1", 0).start()
    callback = f"{live_server.url}/integrations/zoom/callback/"
    users = [
        {"email": "olivia@zoom.acme.test", "first_name": "Olivia", "last_name": "Owner", "role": "owner"},
        {"email": "carla@zoom.acme.test", "first_name": "Carla", "last_name": "Consultant", "role": "member"},
    ]
    apps = sessiondesk_apps(callback)
    seed.load(app.state, {"accounts": [{"id": "acct-e2e", "users": users}], "apps": apps})
    point_at(settings, server.url, callback)
    yield server
    server.close()


def test_a_consultant_connects_and_disconnects_zoom(live_server, new_page, shot, consultant, zoom_server):
    base = live_server.url
    page = new_page()
    log_in(page, base, consultant.email)
    page.goto(f"{base}/settings/?tab=zoom-personal#meeting-preferences")
    shot(page, "zoom-01-settings-not-connected")
    page.get_by_role("button", name="Connect with Zoom").click()
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    page.get_by_label(re.compile("Carla Consultant")).check()
    shot(page, "zoom-02-consent")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"/settings/"))
    panel = page.locator("#zoom-personal")
    assert panel.locator(".badge-ok", has_text="Connected").is_visible()
    assert panel.locator(".zoom-email").inner_text() == "carla@zoom.acme.test"
    assert "Zoom is connected as carla@zoom.acme.test." in page.content()
    connected = ZoomConnection.objects.get()
    assert connected.connected_at.strftime("%Y") in panel.inner_text()
    shot(page, "zoom-03-connected")

    panel.get_by_role("button", name="Disconnect").click()
    dialog = page.locator("#zoom-disconnect-personal")
    assert dialog.is_visible()
    shot(page, "zoom-04-disconnect-dialog")
    dialog.get_by_role("button", name="Disconnect").click()
    page.wait_for_url(re.compile(r"/settings/"))
    assert "Zoom is disconnected" in page.content()
    assert page.locator("#zoom-personal").get_by_role("button", name="Connect with Zoom").is_visible()
    shot(page, "zoom-05-disconnected")
    assert ZoomTokenSet.objects.count() == 0
    revokes = httpx.get(f"{zoom_server.url}/_emulator/requests", params={"path": "/oauth/revoke"}).json()
    assert [r["status"] for r in revokes["requests"]] == [200]


def test_an_owner_connects_the_organisation_account(live_server, new_page, shot, owner, zoom_server):
    base = live_server.url
    page = new_page()
    log_in(page, base, owner.email)
    page.goto(f"{base}/settings/?tab=zoom-organization#meeting-preferences")
    assert not page.locator("#zoom-personal").is_visible()
    page.get_by_label(re.compile("Read-only")).check()
    shot(page, "zoom-06-organization-tab")
    assert "asks only for read scopes" in page.locator("#zoom-organization .zoom-read-only-note").inner_text()
    page.get_by_role("button", name="Connect organisation Zoom account").click()
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    # Zoom's consent lists the read-only app's scopes: read scopes only.
    assert consent_scopes(page) == READ
    assert "SessionDesk (organisation, read-only)" in page.inner_text("body")
    shot(page, "zoom-06b-read-only-consent")
    page.get_by_label(re.compile("Olivia Owner")).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"/settings/"))
    panel = page.locator("#zoom-organization")
    assert panel.locator(".badge-ok", has_text="Connected").is_visible()
    assert panel.locator(".zoom-email").inner_text() == "olivia@zoom.acme.test"
    shot(page, "zoom-07-organization-connected")
    connection = ZoomConnection.objects.get()
    assert (connection.kind, connection.admin_mode) == ("organization", "read_only")
    assert scopes.granted_writes(connection.scopes) == []

    # Read/Write needs the write scopes: the Save toggle goes to Zoom's consent again.
    panel.get_by_label(re.compile("Read/Write")).check()
    panel.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    assert consent_scopes(page) == scopes.registration_list("organization")
    shot(page, "zoom-07b-read-write-consent")
    assert ZoomConnection.objects.get().admin_mode == "read_only"  # nothing changes before Zoom's yes
    page.get_by_label(re.compile("Olivia Owner")).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"/settings/"))
    assert "The organisation's Zoom account is connected as olivia@zoom.acme.test." in page.inner_text("body")
    assert page.locator("#zoom-organization").get_by_label(re.compile("Read/Write")).is_checked()
    connection = ZoomConnection.objects.get()
    assert (connection.admin_mode, connection.client_id) == ("read_write", "e2e-org")
    assert scopes.granted_writes(connection.scopes) == sorted(WRITE)
    revokes = httpx.get(f"{zoom_server.url}/_emulator/requests", params={"path": "/oauth/revoke"}).json()
    assert [(r["client_id"], r["status"]) for r in revokes["requests"]] == [("e2e-org-readonly", 200)]
    shot(page, "zoom-07c-read-write-connected")
    page.get_by_role("tab", name="Personal").click()
    assert "a personal connection is not needed" in page.locator("#zoom-personal").inner_text()
    shot(page, "zoom-08-personal-not-needed")


READ = scopes.registration_list("organization_read_only")
WRITE = [need.name for need in scopes.ORGANIZATION_WRITE]


def consent_scopes(page) -> list[str]:  # type: ignore[no-untyped-def]
    items = page.locator("li code")
    return [items.nth(i).inner_text() for i in range(items.count())]


def in_view(page, locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    viewport = page.viewport_size
    return (
        locator.is_visible()
        and box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
    )


def connect_as(page, base: str, zoom_user: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/settings/?tab=zoom-personal#meeting-preferences")
    page.get_by_role("button", name="Connect with Zoom").click()
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    page.get_by_label(re.compile(zoom_user)).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"/settings/"))


def test_the_outcome_of_connecting_is_in_view_on_return(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, consultant, consultant2, zoom_server
):
    base = live_server.url
    carla = new_page()
    log_in(carla, base, consultant.email)
    connect_as(carla, base, "Carla Consultant")
    connected = carla.locator("#meeting-preferences .msg-success")
    assert connected.inner_text() == "Zoom is connected as carla@zoom.acme.test."
    assert in_view(carla, connected)

    dev = new_page()
    log_in(dev, base, consultant2.email)
    connect_as(dev, base, "Carla Consultant")
    refused = dev.locator(".msg-error")
    assert refused.count() == 1
    assert refused.inner_text().startswith(
        "The Zoom user carla@zoom.acme.test is already linked to Carla Consultant."
    )
    assert in_view(dev, refused)
    assert dev.locator("#zoom-personal").get_by_role("button", name="Connect with Zoom").is_visible()
    shot(dev, "zoom-09-already-linked-in-view")
    assert list(ZoomConnection.objects.values_list("member", flat=True)) == [consultant.pk]
