"""Zoom account administration in Chromium: onboard a Zoom user, see them pending, accept in the
emulator (on a real port, webhooks delivered to the live server), change role and groups, and
offboard with the toggle and the confirmation dialog."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.directory import queue, sync
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.webhooks import receive
from sessiondesk.scheduling.models import Session
from tests.e2e.test_first_booking import log_in
from tests.integrations.zoom.directory.directory_fixtures import EVENTS
from tests.support.sessions import zoom_session
from zoom_emulator import seed
from zoom_emulator.app import create_app
from zoom_emulator.server import make_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zoom_server(live_server, settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    app = create_app()
    app.state.settings.webhook_mode = "manual"
    server = make_server(app, "127.0.0.1", 0).start()
    callback = f"{live_server.url}/integrations/zoom/callback/"
    users = [
        {
            "email": "olivia@acme.test",
            "first_name": "Olivia",
            "last_name": "Owner",
            "role": "owner",
            "type": 2,
        },
        {"email": "adam@acme.test", "first_name": "Adam", "last_name": "Admin", "role": "admin", "type": 2},
        {"email": "dev@acme.test", "first_name": "Dev", "last_name": "Tutor", "type": 1},
    ]
    account = {
        "id": "acct-e2e",
        "plan": "pro",
        "users": users,
        "roles": [{"name": "Scheduler"}],
        "groups": [{"name": "Tutors", "members": ["dev@acme.test"]}, {"name": "Maths", "members": []}],
    }
    org_app = {
        "client_id": "e2e-org",
        "client_secret": "s2",
        "type": "admin",
        "redirect_uris": [callback],
        "scopes": scopes.registration_list("organization"),
        "name": "SessionDesk (organisation)",
        "webhook": {
            "url": f"{live_server.url}/integrations/zoom/webhook/",
            "secret_token": settings.ZOOM_WEBHOOK_SECRET_TOKEN,
            "events": EVENTS,
        },
    }
    seed.load(app.state, {"accounts": [account], "apps": [org_app]})
    settings.ZOOM_ENABLED = True
    settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = "e2e-org", "s2"
    settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET = "e2e-org", "s2"
    settings.ZOOM_OAUTH_URL = server.url
    settings.ZOOM_API_URL = server.url + "/v2"
    settings.ZOOM_REDIRECT_URL = callback
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 0
    yield server
    server.close()


def worker(zoom_server: Any) -> None:
    """What the worker does between two page loads: deliver webhooks, process them, apply the queue."""
    answer = httpx.post(f"{zoom_server.url}/_emulator/webhooks/flush", json={"timeout": 10}).json()
    assert answer["failed"] == 0
    receive.process_due(20)
    queue.apply_due(20)


def test_an_admin_onboards_manages_and_offboards_a_zoom_user(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, owner, consultant, lesson, zoom_server
):
    base = live_server.url
    page = new_page()
    log_in(page, base, owner.email)
    page.goto(f"{base}/settings/?tab=zoom-organization#meeting-preferences")
    page.get_by_role("button", name="Connect organisation Zoom account").click()
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    page.get_by_label(re.compile("Olivia Owner")).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"/settings/"))

    page.get_by_text("Admin", exact=True).click()  # the menu's Admin pages
    page.get_by_role("link", name="Zoom users").click()
    assert "Waiting for the first sync" in page.inner_text("#sync-progress")
    assert sync.run_due(1) == 1  # the worker's periodic job: a new connection syncs at once
    page.wait_for_function("() => document.querySelector('#sync-progress').innerText.includes('Last synced')")
    shot(page, "directory-01-users")

    page.get_by_text("Onboard a Zoom user").click()
    page.get_by_label("Email").fill("carla@acme.test")
    page.get_by_label("First name").fill("Carla")
    page.get_by_label("Last name").fill("Consultant")
    page.get_by_label("Account type", exact=True).select_option("2")
    page.get_by_label("Link to member").fill("carla")
    page.get_by_role("option", name=re.compile("Carla Consultant")).click()
    shot(page, "directory-02-onboard-form")
    page.get_by_role("button", name="Create Zoom user").click()
    page.wait_for_url(f"{base}/integrations/zoom/users/")
    assert "Zoom created carla@acme.test and emailed them an invitation" in page.content()
    row = page.locator("tr", has_text="carla@acme.test")
    assert row.locator(".badge", has_text="Pending").is_visible()
    assert "Licensed (Pro)" in row.inner_text() and "Carla Consultant" in row.inner_text()
    shot(page, "directory-03-pending")

    row.get_by_role("link", name="Carla Consultant").click()
    page.get_by_label("Group").select_option(label="Maths")
    page.get_by_role("button", name="Add to group").click()
    assert "is queued until they accept Zoom's invitation" in page.content()
    assert "Queued until they accept" in page.content()
    shot(page, "directory-04-group-queued")

    accepted = httpx.post(f"{zoom_server.url}/_emulator/users/carla@acme.test/accept")
    assert accepted.status_code == 204
    worker(zoom_server)
    page.reload()
    assert page.locator(".badge", has_text="Active").is_visible()
    assert "Queued until they accept" not in page.content()
    assert page.get_by_role("button", name="Remove from Maths").is_visible()
    shot(page, "directory-05-accepted")

    page.get_by_label("Role").select_option(label="Scheduler")
    page.get_by_role("button", name="Change role").click()
    assert "carla@acme.test is now Scheduler." in page.content()
    page.get_by_label("Group").select_option(label="Tutors")
    page.get_by_role("button", name="Add to group").click()
    assert "carla@acme.test was added to Tutors." in page.content()
    state = httpx.get(f"{zoom_server.url}/_emulator/state").json()
    carla = next(u for u in state["users"] if u["email"] == "carla@acme.test")
    scheduler = next(r for r in state["roles"] if r["name"] == "Scheduler")
    assert (carla["status"], carla["role_id"], len(carla["group_ids"])) == ("active", scheduler["id"], 2)
    shot(page, "directory-06-role-and-groups")

    session = zoom_session(consultant, lesson)
    page.goto(f"{base}/integrations/zoom/users/")
    remove = page.locator("tr", has_text="carla@acme.test").get_by_role("button", name="Remove")
    assert not remove.is_visible()
    page.get_by_label("Offboard").check()
    assert remove.is_visible()
    shot(page, "directory-07-offboard-toggle")
    remove.click()
    dialog = page.locator("#offboard-dialog")
    assert dialog.is_visible()
    assert "carla@acme.test" in dialog.inner_text()
    assert dialog.get_by_role("radio", name=re.compile("Disassociate")).is_checked()
    dialog.get_by_label("Transfer their future meetings to").fill("adam@acme.test")
    shot(page, "directory-08-offboard-dialog")
    dialog.get_by_role("button", name="Remove from Zoom").click()
    page.wait_for_url(f"{base}/integrations/zoom/users/")
    assert (
        "carla@acme.test was disassociated from the Zoom account and no longer has access." in page.content()
    )
    assert "1 upcoming session(s) are flagged for reassignment." in page.content()
    assert page.locator("tr", has_text="carla@acme.test").count() == 0
    shot(page, "directory-09-offboarded")
    assert not DirectoryUser.objects.filter(email="carla@acme.test").exists()
    assert Session.objects.get(pk=session.pk).needs_reassignment is True
    state = httpx.get(f"{zoom_server.url}/_emulator/state").json()
    assert "carla@acme.test" not in [u["email"] for u in state["users"]]
