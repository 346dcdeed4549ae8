"""One Zoom user, one member, in Chromium: the organisation account links carla@ to Carla on the Zoom
Users page; Dev's personal connection choosing carla@ is refused with Carla named, and Settings and
Zoom Users agree afterwards; Carla's own connection is then accepted."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from sessiondesk.integrations.zoom.directory import sync
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
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
        {
            "email": "olivia@acme.test",
            "first_name": "Olivia",
            "last_name": "Owner",
            "role": "owner",
            "type": 2,
        },
        {"email": "carla@acme.test", "first_name": "Carla", "last_name": "Consultant", "type": 2},
        {"email": "dev@acme.test", "first_name": "Dev", "last_name": "Consultant", "type": 2},
    ]
    apps = sessiondesk_apps(callback)
    seed.load(app.state, {"accounts": [{"id": "acct-e2e", "plan": "pro", "users": users}], "apps": apps})
    point_at(settings, server.url, callback)
    settings.ZOOM_ACCOUNT_CALLS_PER_SECOND = 0
    yield server
    server.close()


def allow_as(page, zoom_user: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_url(re.compile(r"/oauth/authorize"))
    page.get_by_label(re.compile(zoom_user)).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(re.compile(r"/settings/"))


def test_a_zoom_user_linked_in_the_directory_is_refused_to_another_member(  # type: ignore[no-untyped-def]
    live_server, new_page, shot, owner, consultant, consultant2, zoom_server
):
    base = live_server.url
    olivia = new_page()
    log_in(olivia, base, owner.email)
    olivia.goto(f"{base}/settings/?tab=zoom-organization#meeting-preferences")
    olivia.get_by_role("button", name="Connect organisation Zoom account").click()
    allow_as(olivia, "Olivia Owner")
    assert sync.run_due(1) == 1  # the worker's first sync links members by email
    olivia.goto(f"{base}/integrations/zoom/users/")
    assert "Carla Consultant" in olivia.locator("tr", has_text="carla@acme.test").inner_text()

    dev = new_page()
    log_in(dev, base, consultant2.email)
    dev.goto(f"{base}/settings/?tab=zoom-personal#meeting-preferences")
    dev.get_by_role("button", name="Connect with Zoom").click()
    allow_as(dev, "Carla Consultant")
    refused = dev.locator("#meeting-preferences .msg-error")
    assert refused.inner_text() == (
        "The Zoom user carla@acme.test is already linked to Carla Consultant. That link is on the "
        "organisation's Zoom Users page. One Zoom user can be linked to only one SessionDesk member at a "
        "time, so that each session's meeting has one clear host. Sign in to Zoom as your own Zoom user, or "
        "ask an admin to unlink it on the Zoom Users page if the link is wrong. Nothing was saved."
    )
    assert dev.locator("#zoom-personal").get_by_role("button", name="Connect with Zoom").is_visible()
    shot(dev, "one-member-01-dev-refused")
    assert list(ZoomConnection.objects.filter(kind="personal")) == []
    assert ZoomTokenSet.objects.count() == 1  # the organisation's only

    # Settings and Zoom Users agree: carla@ belongs to Carla, and no personal link names Dev.
    olivia.goto(f"{base}/settings/?tab=zoom-organization#meeting-preferences")
    assert olivia.locator("table.zoom-links").count() == 0
    olivia.goto(f"{base}/integrations/zoom/users/")
    assert "Carla Consultant" in olivia.locator("tr", has_text="carla@acme.test").inner_text()
    assert DirectoryUser.objects.get(email="carla@acme.test").member == consultant
    shot(olivia, "one-member-02-zoom-users-unchanged")

    carla = new_page()
    log_in(carla, base, consultant.email)
    carla.goto(f"{base}/settings/?tab=zoom-personal#meeting-preferences")
    carla.get_by_role("button", name="Connect with Zoom").click()
    allow_as(carla, "Carla Consultant")
    assert carla.locator("#meeting-preferences .msg-success").inner_text() == (
        "Zoom is connected as carla@acme.test."
    )
    olivia.goto(f"{base}/settings/?tab=zoom-organization#meeting-preferences")
    links = olivia.locator("table.zoom-links tbody tr")
    assert [links.nth(i).inner_text().split("\t")[:3] for i in range(links.count())] == [
        ["Carla Consultant", "carla@acme.test", "Active"]
    ]
    shot(olivia, "one-member-03-settings-links-agree")
