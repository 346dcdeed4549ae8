"""The Zoom emulator in-process, seeded with Acme's Zoom account and SessionDesk's two apps."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings as django_settings
from django.test import Client as HttpClient

from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import scopes
from tests.support.zoom import REDIRECT
from zoom_emulator import seed
from zoom_emulator.app import EmulatorApp, create_app

ZOOM = "http://zoom.test"
PERSONAL_APP = ("sd-personal", "sd-personal-secret")
ORG_APP = ("sd-org", "sd-org-secret")
NARROW_APP = ("sd-narrow", "sd-narrow-secret")
READ_ONLY_APP = ("sd-org-readonly", "sd-org-readonly-secret")

ZOOM_USERS = [
    {"email": "olivia@zoom.acme.test", "first_name": "Olivia", "last_name": "Owner", "role": "owner"},
    {"email": "adam@zoom.acme.test", "first_name": "Adam", "last_name": "Admin", "role": "admin"},
    {"email": "carla@zoom.acme.test", "first_name": "Carla", "last_name": "Consultant", "role": "member"},
    {"email": "dev@zoom.acme.test", "first_name": "Dev", "last_name": "Consultant", "role": "member"},
]


def _app(pair: tuple[str, str], kind: str, granted: list[str]) -> dict[str, Any]:
    return {
        "client_id": pair[0],
        "client_secret": pair[1],
        "type": kind,
        "name": "SessionDesk",
        "redirect_uris": [REDIRECT],
        "scopes": granted,
    }


@dataclass
class Emulator:
    app: EmulatorApp
    http: httpx.Client
    users: dict[str, str]
    capture: Any

    def requests(self, **query: str) -> list[dict[str, Any]]:
        """Zoom's log of API calls (the consent page a person clicks through is left out)."""
        found = self.http.get("/_emulator/requests", params=query).json()["requests"]
        return [r for r in found if r["path"] != "/oauth/authorize"]

    def committing(self) -> Any:
        """Run on-commit side effects (revocations at Zoom) of the requests made inside, as in production."""
        return self.capture(execute=True)

    def consent(self, authorize_url: str, user: str, decision: str = "allow") -> httpx.Response:
        """A person on Zoom's page: picks a sandbox user and clicks Allow or Decline."""
        form = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        return self.http.post("/oauth/authorize", data={**form, "user": user, "decision": decision})


@pytest.fixture
def zoom(settings, django_capture_on_commit_callbacks) -> Any:  # type: ignore[no-untyped-def]
    app = create_app()
    summary = seed.load(
        app.state,
        {
            "accounts": [{"id": "acct-acme", "plan": "pro", "name": "Acme", "users": ZOOM_USERS}],
            "apps": [
                _app(PERSONAL_APP, "user", scopes.registration_list("personal")),
                _app(ORG_APP, "admin", scopes.registration_list("organization")),
                _app(NARROW_APP, "user", ["user:read:user"]),
                _app(READ_ONLY_APP, "admin", scopes.registration_list("organization_read_only")),
            ],
        },
    )
    settings.ZOOM_ENABLED = True
    settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = PERSONAL_APP
    settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET = ORG_APP
    settings.ZOOM_ORG_READONLY_CLIENT_ID, settings.ZOOM_ORG_READONLY_CLIENT_SECRET = READ_ONLY_APP
    settings.ZOOM_OAUTH_URL = ZOOM
    settings.ZOOM_API_URL = ZOOM + "/v2"
    settings.ZOOM_REDIRECT_URL = REDIRECT
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url=ZOOM) as http, client.use_transport(transport):
        yield Emulator(app, http, summary["users"], django_capture_on_commit_callbacks)


def start(web: HttpClient, kind: str = "personal", **form: str) -> str:
    """Press "Connect with Zoom"; returns Zoom's authorisation URL."""
    response = web.post(f"/integrations/zoom/connect/{kind}/", form)
    assert response.status_code == 302, response
    assert response["Location"].startswith(django_settings.ZOOM_OAUTH_URL + "/oauth/authorize?")
    return response["Location"]


def back_from_zoom(web: HttpClient, zoom_response: httpx.Response, follow: bool = False) -> Any:
    """Follow Zoom's redirect to SessionDesk's callback."""
    assert zoom_response.status_code == 302, zoom_response.text
    location = zoom_response.headers["location"]
    assert location.startswith(REDIRECT)
    return web.get(location.removeprefix("http://testserver"), follow=follow)


def connect_through_pages(
    web: HttpClient, zoom: Emulator, user: str, kind: str = "personal", follow: bool = False, **form: str
) -> Any:
    """A signed-in person connects Zoom as ``user``: SessionDesk's button, Zoom's consent page, and
    back to the callback (whose response is returned). ``form`` is the connect button's form."""
    with zoom.committing():
        return back_from_zoom(web, zoom.consent(start(web, kind, **form), user), follow=follow)
