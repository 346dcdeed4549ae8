"""Every page is served with the security headers and a Content-Security-Policy that allows no inline
script, and no template or served page contains one."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from sessiondesk.accounts.invitations import invite
from sessiondesk.accounts.tokens import create_token
from sessiondesk.scheduling import links
from sessiondesk.scheduling.models import Calendar
from tests.conftest import login
from tests.test_tenant_isolation import acme, all_routes, fill  # noqa: F401 (acme is a fixture)

SRC = Path(__file__).resolve().parents[2] / "src" / "sessiondesk"
DATA_TYPES = {"application/json", "application/ld+json"}


class InlineCode(HTMLParser):
    """Collects inline scripts, event-handler attributes, javascript: URLs and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") not in DATA_TYPES:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}= on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def page_templates() -> list[Path]:
    """Templates rendered as pages (emails are not served; their HTML has inline styles by necessity)."""
    return [p for p in SRC.rglob("templates/**/*.html") if "/email/" not in p.as_posix()]


def test_the_checker_finds_inline_code():
    html = '<script>alert(1)</script><a onclick="x()" href="javascript:x()">a</a><p style="color:red">'
    assert inline_code(html) == [
        "inline <script> at line 1",
        "onclick= on <a>",
        "javascript: URL in href= on <a>",
        "style= on <p>",
    ]
    assert (
        inline_code('<script src="/static/a.js"></script><script type="application/json">{}</script>') == []
    )


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_inline_code(path):
    text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "T", path.read_text(), flags=re.S)
    assert inline_code(text) == []


def assert_hardened(response, url: str) -> None:  # type: ignore[no-untyped-def]
    policy = response.get("Content-Security-Policy", "")
    directives = {}
    for directive in filter(None, (d.strip() for d in policy.split(";"))):
        name, _, value = directive.partition(" ")
        directives[name] = value
    if (
        url.endswith("/html/") and response.status_code == 200
    ):  # the dev mailbox's email frame: sandboxed, nothing may run at all
        assert policy.startswith("sandbox "), url
        assert "script-src" not in directives and directives["default-src"] == "'none'", url
    else:
        assert directives["script-src"] == "'self'", (url, policy)
        assert directives["default-src"] == "'self'", (url, policy)
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'", url
        assert "unsafe" not in directives["script-src"], url
        assert directives["frame-ancestors"] == "'none'", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN"), url
    assert "Strict-Transport-Security" not in response, url  # plain HTTP here


def crawl(browser: HttpClient, objects: dict) -> int:
    pages = 0
    for route, name in all_routes():
        if name in ("logout", "booking_invite", "api_docs_asset", "mailbox_attachment"):
            continue
        url = fill(route, objects)
        response = browser.get(url)
        assert response.status_code < 500, url
        assert_hardened(response, url)
        if response.get("Content-Type", "").startswith("text/html") and not url.endswith("/html/"):
            assert inline_code(response.content.decode()) == [], url
            pages += 1
    return pages


def test_every_page_of_a_member_is_hardened(client, acme, owner, settings):  # noqa: F811
    settings.DEV_MAILBOX = True
    login(client, owner)
    assert crawl(client, acme) >= 40


def test_every_public_page_is_hardened(acme, settings):  # noqa: F811
    Calendar.objects.filter(pk=acme["calendar"].pk).update(is_public=True)
    anonymous = HttpClient()
    assert crawl(anonymous, acme) >= 10
    token = links.booking_token(acme["session"], acme["client"])
    for url in (
        f"/manage/{token}/",
        f"/manage/{token}/cancel/",
        f"/manage/{token}/reschedule/",
        f"/portal/{links.portal_token(acme['client'])}/",
        f"/book/acme/{acme['calendar'].slug}/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert_hardened(response, url)
        assert inline_code(response.content.decode()) == [], url


def test_the_api_docs_allow_inline_styles_but_no_inline_script(client, owner):
    response = client.get("/api/v1/docs")
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy


def test_a_form_may_send_the_browser_to_zooms_consent_page(client, db, settings):
    settings.ZOOM_OAUTH_URL = "https://zoom.example.test:8443/some/path"
    response = client.get("/login/")
    assert response["Content-Security-Policy"].endswith("form-action 'self' https://zoom.example.test:8443")


# Behind TLS ---------------------------------------------------------------------------------------------


def settings_under(env: dict[str, str]) -> dict:
    code = (
        "import json, sessiondesk.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_behind_tls_cookies_are_secure_and_hsts_is_on(tmp_path):
    assert settings_under({"BEHIND_TLS": "true", "SESSIONDESK_HOME": str(tmp_path)}) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    assert settings_under({"SESSIONDESK_HOME": str(tmp_path)}) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_hsts_is_sent_on_requests_the_proxy_says_were_https(client, db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    secure = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    plain = client.get("/login/")
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain


# Caching ------------------------------------------------------------------------------------------------

PRIVATE = "private, no-store"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"  # Django's never_cache


def test_a_signed_in_members_pages_are_not_stored(client, acme, owner, settings):  # noqa: F811
    settings.DEV_MAILBOX = True
    login(client, owner)
    assert client.get("/")["Cache-Control"] == PRIVATE
    assert client.get(f"/sessions/{acme['session'].pk}/")["Cache-Control"] == PRIVATE
    assert client.get(f"/api/v1/sessions/{acme['session'].pk}")["Cache-Control"] == PRIVATE
    # A public booking page too, when a member opens it.
    assert client.get(f"/book/acme/{acme['calendar'].slug}/")["Cache-Control"] == PRIVATE
    # Every page: ours, or never_cache where a view asked for it (login, probes).
    for route, name in all_routes():
        if name in ("logout", "api_docs_asset"):
            continue
        url = fill(route, acme)
        assert client.get(url)["Cache-Control"] in (PRIVATE, NEVER_CACHE), url


def test_an_api_tokens_answers_are_not_stored(client, consultant, acme):  # noqa: F811
    _, raw = create_token(consultant, "script")
    response = client.get("/api/v1/sessions/", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_signed_link_pages_are_not_stored(acme, owner):  # noqa: F811
    anonymous = HttpClient()
    token = links.booking_token(acme["session"], acme["client"])
    invitation = invite(owner, email="newer@acme.test", name="Newer Person", role="consultant")
    for url in (
        f"/manage/{token}/",
        f"/manage/{token}/reschedule/",
        f"/manage/{token}/cancel/",
        f"/manage/{token}/invite.ics",
        f"/portal/{links.portal_token(acme['client'])}/",
        f"/invite/{invitation.token}/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url
    # A link that opens nothing is as private as one that does.
    assert anonymous.get("/manage/garbage/")["Cache-Control"] == PRIVATE


def test_public_pages_probes_and_static_files_keep_their_caching(client, acme, owner):  # noqa: F811
    Calendar.objects.filter(pk=acme["calendar"].pk).update(is_public=True)
    anonymous = HttpClient()
    booking = anonymous.get(f"/book/acme/{acme['calendar'].slug}/")
    assert booking.status_code == 200
    assert "Cache-Control" not in booking
    assert anonymous.get("/healthz")["Cache-Control"] == NEVER_CACHE
    assert anonymous.get("/login/")["Cache-Control"] == NEVER_CACHE
    assert anonymous.get("/static/sessiondesk/app.css")["Cache-Control"] == "max-age=60, public"
    # A signed-in member keeps what a view or WhiteNoise chose.
    login(client, owner)
    assert client.get("/static/sessiondesk/app.css")["Cache-Control"] == "max-age=60, public"
    assert client.get("/api/v1/docs/assets/swagger-ui.css")["Cache-Control"] == "public, max-age=86400"
    assert client.get("/healthz")["Cache-Control"] == NEVER_CACHE
