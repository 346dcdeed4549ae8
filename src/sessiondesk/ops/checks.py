"""``sessiondesk check``: is this process configured to run? Each check says what is wrong and how to fix it.

The checks: the database answers and is migrated; the keys are set (and shared, when several
machines may serve one PostgreSQL database); emails go out through SMTP (for a deployment, never into
the development mailbox); the site URL is well-formed and allowed; and each meeting provider's own
findings (for Zoom: the apps' credentials are accepted by Zoom, and the redirect and webhook URLs
agree with the site's).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from sessiondesk.lib.env import env, env_int
from sessiondesk.meetings import providers


@dataclass(frozen=True)
class Finding:
    topic: str
    ok: bool
    message: str


def run_all(*, zoom: bool = True, deploy: bool = False) -> list[Finding]:
    """Every finding; ``zoom=False`` keeps the meeting providers from contacting their services."""
    findings = [*database(), *keys(), *email(deploy=deploy), *urls()]
    for name in providers.PROVIDERS:
        provider = providers.get(name)
        if provider is not None:
            findings += provider.checks(contact=zoom)
    return findings


def _on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if _on_sqlite():
        return f"SQLite at {db['NAME']}"
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or "localhost"
    port = db.get("PORT") or 5432
    if host.startswith("/"):
        # A Unix socket: the server on this machine, its socket file named after its port.
        return f"PostgreSQL database {db.get('NAME')!r} through the socket in {host} (port {port})"
    return f"PostgreSQL database {db.get('NAME')!r} on {host}:{port}"


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


def url_problem(name: str, value: str, *, https_for: str = "") -> str:
    """What is wrong with a URL setting, or ""; ``https_for``: the service that refuses plain http."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{name} must be an absolute http(s) URL, not {value!r}."
    if parts.query or parts.fragment:
        return f"{name} must not have a query or a fragment: {value!r}."
    if https_for and parts.scheme != "https":
        return f"{name} must use https for {https_for} (it refuses plain http): {value!r}."
    return ""


def urls() -> list[Finding]:
    findings: list[Finding] = []
    site = settings.SITE_URL
    problem = url_problem("SITE_URL", site)
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
    return findings


def _host_allowed(host: str) -> bool:
    for pattern in settings.ALLOWED_HOSTS:
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith(".") and (host == pattern[1:] or host.endswith(pattern)):
            return True
    return False
