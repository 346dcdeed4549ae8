"""The public Zoom guide at /help/zoom/: open to anyone, in the instance's name, and its scope table
is exactly what each connect flow asks Zoom for (a Zoom app registered with one column's scopes
connects; without any one of them it is refused, naming that scope)."""

from collections.abc import Iterator
from contextlib import ExitStack
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.models import Member
from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.models import MeetingPolicy, ZoomConnection, ZoomTokenSet
from tests.conftest import login
from tests.integrations.zoom.conftest import (
    ORG_APP,
    PERSONAL_APP,
    READ_ONLY_APP,
    ZOOM,
    ZOOM_USERS,
    Emulator,
    _app,
    connect_through_pages,
)
from tests.support.zoom import REDIRECT
from zoom_emulator import seed
from zoom_emulator.app import create_app

COLUMNS = ("personal", "org-read-write", "org-read-only")


class ScopeTable(HTMLParser):
    """The guide's scope table as {column: [scopes ticked]}, and the headers' columns in order."""

    def __init__(self, row_attr: str = "data-scope") -> None:
        super().__init__()
        self.row_attr = row_attr
        self.columns: list[str] = []
        self.ticked: dict[str, list[str]] = {}
        self._scope: str | None = None
        self._cell = -1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "th" and found.get("data-flow"):
            self.columns.append(str(found["data-flow"]))
        elif tag == "tr" and found.get(self.row_attr):
            self._scope, self._cell = str(found[self.row_attr]), -1
        elif tag == "td" and self._scope and "scope-mark" in (found.get("class") or ""):
            self._cell += 1
        elif tag == "span" and self._scope and found.get("aria-label") == "asked":
            self.ticked.setdefault(self.columns[self._cell], []).append(self._scope)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._scope = None


def scope_table(html: str, row_attr: str = "data-scope") -> ScopeTable:
    table = ScopeTable(row_attr)
    table.feed(html)
    return table


@pytest.fixture
def guide(client: HttpClient, db: None) -> str:
    response = client.get("/help/zoom/")
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_can_read_it_in_the_instance_name_without_signing_in(client: HttpClient, settings, db) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_NAME = "Acme Desk"
    settings.SUPPORT_EMAIL = ""
    response = client.get("/help/zoom/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Zoom with Acme Desk</title>" in html
    for section in ("adding", "using", "scopes", "removing", "data", "troubleshooting", "support"):
        assert f'id="{section}"' in html
    assert "mailto:" not in html
    assert "Ask your organisation's Acme Desk admin" in html
    assert "<script" not in html.split("</head>")[1]  # the page itself needs no script

    settings.SUPPORT_EMAIL = "help@acme.test"
    html = client.get("/help/zoom/").content.decode()
    assert html.count('href="mailto:help@acme.test"') == 2  # under "Your data" and "Support"


def test_it_gives_its_public_address_for_the_app_listing(client: HttpClient, settings, db) -> None:  # type: ignore[no-untyped-def]
    """SITE_URL's, not the host it was read at (the test client's testserver)."""
    settings.SITE_URL = "https://desk.example.test"
    html = client.get("/help/zoom/").content.decode()
    assert "Documentation URL: <code>https://desk.example.test/help/zoom/</code>" in html
    assert "testserver" not in html


def test_a_signed_in_visitor_sees_their_organisation_policy(client: HttpClient, owner: Member) -> None:
    MeetingPolicy.objects.create(org=owner.org, waiting_room=False, auto_recording="cloud")
    anonymous = client.get("/help/zoom/").content.decode()
    assert "Every organisation\n    starts with these settings" in anonymous
    assert "<dt>Waiting room</dt><dd>On: the host admits each participant</dd>" in anonymous

    login(client, owner)
    mine = client.get("/help/zoom/").content.decode()
    assert "Your organisation's meetings are created with these settings:" in mine
    assert "<dt>Waiting room</dt><dd>Off</dd>" in mine
    assert "<dt>Automatic recording</dt><dd>In the Zoom cloud</dd>" in mine


def test_it_is_linked_from_the_zoom_card_and_integration_health(  # type: ignore[no-untyped-def]
    client: HttpClient, owner: Member, settings
) -> None:
    settings.SITE_URL = "https://desk.example.test"
    login(client, owner)
    assert 'href="/help/zoom/"' in client.get("/settings/").content.decode()
    health = client.get("/integrations/zoom/health/").content.decode()
    guide = "https://desk.example.test/help/zoom/"
    assert f'<a href="{guide}"><code>{guide}</code></a>' in health


def test_the_scope_table_is_what_each_flow_checks(guide: str) -> None:
    table = scope_table(guide)
    assert table.columns == list(COLUMNS)
    assert table.ticked["personal"] == [need.name for need in scopes.needed("personal")]
    assert table.ticked["org-read-write"] == [
        need.name for need in scopes.needed("organization", "read_write")
    ]
    assert table.ticked["org-read-only"] == [need.name for need in scopes.needed("organization", "read_only")]
    assert not set(table.ticked["org-read-only"]) & {need.name for need in scopes.ORGANIZATION_WRITE}


def test_the_scopes_asked_for_but_not_required_are_listed_apart(guide: str) -> None:
    table = scope_table(guide, "data-optional-scope")
    personal = [need.name for need in scopes.optional("personal")]
    organization = [need.name for need in scopes.optional("organization")]
    assert table.ticked == {
        "personal": personal,
        "org-read-write": organization,
        "org-read-only": organization,
    }
    assert "meeting:write:registrant" in personal
    assert "report:read:list_meeting_participants:admin" in organization
    # Not required, so not in the table of what a connection must hold.
    required = scope_table(guide).ticked
    assert not {name for names in required.values() for name in names} & {*personal, *organization}


@pytest.fixture
def zoom_with(settings, django_capture_on_commit_callbacks) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """An emulator whose SessionDesk apps are registered with the given scopes only."""
    settings.ZOOM_ENABLED = True
    settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = PERSONAL_APP
    settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET = ORG_APP
    settings.ZOOM_ORG_READONLY_CLIENT_ID, settings.ZOOM_ORG_READONLY_CLIENT_SECRET = READ_ONLY_APP
    settings.ZOOM_OAUTH_URL, settings.ZOOM_API_URL = ZOOM, ZOOM + "/v2"
    settings.ZOOM_REDIRECT_URL = REDIRECT
    with ExitStack() as stack:

        def make(column: str, granted: list[str]) -> Emulator:
            app = create_app()
            pair, app_type = APPS[column]
            account = {"id": "acct-acme", "plan": "pro", "name": "Acme", "users": ZOOM_USERS}
            seed.load(app.state, {"accounts": [account], "apps": [_app(pair, app_type, granted)]})
            transport = httpx.WSGITransport(app=app)
            http = stack.enter_context(httpx.Client(transport=transport, base_url=ZOOM))
            stack.enter_context(client.use_transport(transport))
            return Emulator(app, http, {}, django_capture_on_commit_callbacks)

        yield make


APPS = {
    "personal": (PERSONAL_APP, "user"),
    "org-read-write": (ORG_APP, "admin"),
    "org-read-only": (READ_ONLY_APP, "admin"),
}
FLOWS = {
    "personal": ("personal", "carla@zoom.acme.test", {}),
    "org-read-write": ("organization", "olivia@zoom.acme.test", {"admin_mode": "read_write"}),
    "org-read-only": ("organization", "olivia@zoom.acme.test", {"admin_mode": "read_only"}),
}


@pytest.mark.parametrize("column", COLUMNS)
def test_each_column_is_exactly_enough_to_connect(  # type: ignore[no-untyped-def]
    column: str, guide: str, client: HttpClient, owner: Member, consultant: Member, zoom_with
) -> None:
    ticked = scope_table(guide).ticked[column]
    kind, zoom_user, form = FLOWS[column]
    person = consultant if kind == "personal" else owner
    login(client, person)

    for left_out in ticked:
        zoom = zoom_with(column, [s for s in ticked if s != left_out])
        page = connect_through_pages(client, zoom, zoom_user, kind, follow=True, **form).content.decode()
        refusal = page.split('class="msg msg-error">')[1].split("</li>")[0]
        assert "nothing was saved" in refusal
        if left_out == ticked[0]:
            # Without the identity scope Zoom will not say who authorised: its own words are shown.
            assert refusal.startswith("Zoom did not tell SessionDesk which Zoom user you are (Invalid access")
        else:
            assert f"Missing: {left_out} (" in refusal, (left_out, refusal)
        assert (ZoomConnection.objects.count(), ZoomTokenSet.objects.count()) == (0, 0)

    zoom = zoom_with(column, ticked)
    page = connect_through_pages(client, zoom, zoom_user, kind, follow=True, **form).content.decode()
    assert f"connected as {zoom_user}" in page
    connection = ZoomConnection.objects.get()
    assert (connection.member, connection.kind) == (person, kind)
    assert set(connection.granted_scopes.split()) == set(ticked)


def test_read_only_is_described_as_this_instance_connects_it(client: HttpClient, settings, db) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_ORG_READONLY_CLIENT_ID, settings.ZOOM_ORG_READONLY_CLIENT_SECRET = "ro", "ro-secret"
    with_app = client.get("/help/zoom/").content.decode()
    assert "asks Zoom for no permission to add, change or remove Zoom users" in with_app
    assert "connects through the same Zoom app" not in with_app

    settings.ZOOM_ORG_READONLY_CLIENT_ID = ""
    without = client.get("/help/zoom/").content.decode()
    assert "on this instance it connects through the same Zoom app as\n      Read/Write" in without
    assert "asks Zoom for no permission" not in without
