"""``sessiondesk check``: is this process configured to run? Each check says what is wrong and how to fix it.

The checks: the database answers and is migrated; the keys are set (and shared, when several
machines may serve one PostgreSQL database); emails go out through SMTP (for a deployment, never into
the development mailbox); the Zoom apps' credentials are accepted by Zoom; the site, redirect and
webhook URLs are well-formed and agree with each other.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from sessiondesk.lib.env import env, env_int


@dataclass(frozen=True)
class Finding:
    topic: str
    ok: bool
    message: str


def run_all(*, zoom: bool = True, deploy: bool = False) -> list[Finding]:
    findings = [*database(), *keys(), *email(deploy=deploy), *urls()]
    if zoom:
        findings += zoom_apps()
    return findings


def _on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if _on_sqlite():
        return f"SQLite at {db['NAME']}"
    return (
        f"PostgreSQL database {db.get('NAME')!r} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    )


def database() -> list[Finding]:
    label = _database_label()
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [Finding("database", False, f"{label} cannot be reached: {reason}. Check DATABASE_URL.")]
    if pending:
        return [
            Finding(
                "database",
                False,
                f"{label} answers but {len(pending)} migration(s) are not applied: run `sessiondesk migrate`.",
            )
        ]
    return [Finding("database", True, f"{label} answers and is migrated.")]


def keys() -> list[Finding]:
    findings: list[Finding] = []
    shared = not _on_sqlite()
    if len(settings.SECRET_KEY) < 32:
        findings.append(
            Finding("keys", False, "SECRET_KEY is shorter than 32 characters: use a long random value.")
        )
    elif shared and not env("SECRET_KEY"):
        findings.append(
            Finding(
                "keys",
                False,
                "SECRET_KEY is not set, so this process uses the one generated in its instance folder: every "
                "process and machine of a deployment needs the same value (set SECRET_KEY or SECRET_KEY_FILE).",
            )
        )
    else:
        origin = "from the environment" if env("SECRET_KEY") else "generated in the instance folder"
        findings.append(Finding("keys", True, f"SECRET_KEY is set ({origin})."))
    bad = []
    for index, key in enumerate(settings.ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            bad.append(index)
    if bad:
        findings.append(
            Finding(
                "keys",
                False,
                f"ENCRYPTION_KEYS: key number {', '.join(map(str, bad))} is not a Fernet key "
                "(32 url-safe base64-encoded bytes; see docs/configuration.md).",
            )
        )
    elif shared and not env("ENCRYPTION_KEYS"):
        findings.append(
            Finding(
                "keys",
                False,
                "ENCRYPTION_KEYS is not set, so this process uses the key generated in its instance folder: every "
                "process and machine needs the same keys, or Zoom tokens saved by one cannot be read by another.",
            )
        )
    else:
        origin = "from the environment" if env("ENCRYPTION_KEYS") else "generated in the instance folder"
        count = len(settings.ENCRYPTION_KEYS)
        findings.append(Finding("keys", True, f"ENCRYPTION_KEYS holds {count} valid key(s) ({origin})."))
    return findings


def email(*, deploy: bool) -> list[Finding]:
    if not settings.DEV_MAILBOX:
        server = f"{env('EMAIL_HOST') or 'localhost'}:{env_int('EMAIL_PORT', 25)}"
        unset = "" if env("EMAIL_HOST") else " (EMAIL_HOST is not set: Django's default)"
        return [Finding("email", True, f"Emails go out through the SMTP server at {server}{unset}.")]
    if deploy:
        message = (
            "The development mailbox is on (DEV_MAILBOX=true): emails are kept in the database instead of "
            "being sent, and members read clients' emails and signed links in it. Set EMAIL_HOST (with "
            "EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) and remove DEV_MAILBOX."
        )
        return [Finding("email", False, message)]
    message = (
        "The development mailbox is on: emails are kept in the database and shown at /dev/mailbox/ "
        "(development only; set EMAIL_HOST to send them)."
    )
    return [Finding("email", True, message)]


def _url_problem(name: str, value: str, *, https: bool) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{name} must be an absolute http(s) URL, not {value!r}."
    if parts.query or parts.fragment:
        return f"{name} must not have a query or a fragment: {value!r}."
    if https and parts.scheme != "https":
        return f"{name} must use https for Zoom (it refuses plain http): {value!r}."
    return ""


def urls() -> list[Finding]:
    findings: list[Finding] = []
    site = settings.SITE_URL
    real_zoom = settings.ZOOM_ENABLED and not settings.ZOOM_USES_EMULATOR
    problem = _url_problem("SITE_URL", site, https=False)
    if problem:
        return [Finding("urls", False, problem)]
    host = urlsplit(site).hostname or ""
    if not _host_allowed(host):
        findings.append(
            Finding(
                "urls",
                False,
                f"SITE_URL's host {host!r} is not in ALLOWED_HOSTS, so every request to it would be refused: "
                "add it to ALLOWED_HOSTS.",
            )
        )
    else:
        findings.append(Finding("urls", True, f"SITE_URL is {site}."))
    if not settings.ZOOM_ENABLED:
        return findings
    redirect = settings.ZOOM_REDIRECT_URL
    callback = reverse("zoom_callback")
    problem = _url_problem("ZOOM_REDIRECT_URL", redirect, https=real_zoom)
    if not problem and urlsplit(redirect).path != callback:
        problem = f"ZOOM_REDIRECT_URL must end with {callback}, not {redirect!r}."
    if not problem and urlsplit(redirect).netloc != urlsplit(site).netloc:
        problem = f"ZOOM_REDIRECT_URL ({redirect}) is not on SITE_URL's host ({site}): Zoom would send people elsewhere."
    findings.append(Finding("urls", not problem, problem or f"Zoom redirect URL: {redirect}"))
    webhook = site + reverse("zoom_webhook")
    problem = _url_problem(
        "The webhook URL (SITE_URL + /integrations/zoom/webhook/)", webhook, https=real_zoom
    )
    findings.append(Finding("urls", not problem, problem or f"Zoom webhook URL: {webhook}"))
    return findings


def _host_allowed(host: str) -> bool:
    for pattern in settings.ALLOWED_HOSTS:
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith(".") and (host == pattern[1:] or host.endswith(pattern)):
            return True
    return False


def zoom_apps() -> list[Finding]:
    if not settings.ZOOM_ENABLED:
        return [Finding("zoom", True, "Zoom is turned off (ZOOM_ENABLED=false).")]
    findings: list[Finding] = []
    where = "the bundled Zoom emulator" if settings.ZOOM_USES_EMULATOR else "Zoom"
    if settings.ZOOM_USES_EMULATOR:
        findings.append(
            Finding(
                "zoom",
                True,
                "No ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET: SessionDesk talks to the bundled Zoom emulator "
                f"at {settings.ZOOM_OAUTH_URL} (development only; docs/zoom-setup.md sets up real Zoom).",
            )
        )
    elif not settings.ZOOM_WEBHOOK_SECRET_TOKEN:
        findings.append(
            Finding(
                "zoom",
                False,
                "ZOOM_WEBHOOK_SECRET_TOKEN is not set, so Zoom's webhooks cannot be verified and are refused: "
                "copy the app's Secret Token (Features → Access).",
            )
        )
    apps = [("ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET", settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET)]
    if (settings.ZOOM_ORG_CLIENT_ID, settings.ZOOM_ORG_CLIENT_SECRET) != (
        settings.ZOOM_CLIENT_ID,
        settings.ZOOM_CLIENT_SECRET,
    ):
        apps.append(
            (
                "ZOOM_ORG_CLIENT_ID/ZOOM_ORG_CLIENT_SECRET",
                settings.ZOOM_ORG_CLIENT_ID,
                settings.ZOOM_ORG_CLIENT_SECRET,
            )
        )
    for names, client_id, secret in apps:
        finding, reached = _zoom_app(names, client_id, secret, where)
        findings.append(finding)
        if not reached:
            break  # the same address for every app: once is enough
    return findings


def _zoom_app(names: str, client_id: str, secret: str, where: str) -> tuple[Finding, bool]:
    """Ask Zoom for an app-only token (client credentials grant): it answers ``invalid_client`` for
    credentials it does not know, and anything else (a token, or a refusal of the grant) proves them."""
    from sessiondesk.integrations.zoom import client as zoom_client

    if not client_id or not secret:
        return Finding("zoom", False, f"{names}: both must be set."), True
    url = settings.ZOOM_OAUTH_URL + "/oauth/token"
    try:
        with httpx.Client(
            transport=zoom_client.current_transport(), timeout=settings.ZOOM_HTTP_TIMEOUT
        ) as http:
            response = http.post(url, data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    except httpx.HTTPError as exc:
        if settings.ZOOM_USES_EMULATOR:
            remedy = (
                "it runs inside `sessiondesk up` (or alone: `sessiondesk emulator`); for real Zoom set "
                "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (docs/zoom-setup.md)."
            )
        else:
            remedy = "check ZOOM_OAUTH_URL and this machine's outbound network."
        message = f"{where} at {settings.ZOOM_OAUTH_URL} cannot be reached ({type(exc).__name__}): {remedy}"
        return Finding("zoom", False, message), False
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = str(body.get("error", "")) if isinstance(body, dict) else ""
    if response.status_code == 401 or error == "invalid_client":
        message = (
            f"{names}: {where} does not accept these credentials (invalid_client). Copy the Client ID and "
            "Client Secret from the app's page on the Zoom Marketplace (App Credentials)."
        )
        return Finding("zoom", False, message), True
    if response.is_success or (400 <= response.status_code < 500 and error):
        return Finding(
            "zoom", True, f"{names}: {where} accepts the app's credentials (client id {client_id})."
        ), True
    message = (
        f"{names}: {where} answered {response.status_code} to a token request at {url}: check ZOOM_OAUTH_URL."
    )
    return Finding("zoom", False, message), True
