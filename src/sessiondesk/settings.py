"""One settings file, driven by the environment. See docs/configuration.md for every variable."""

import ipaddress
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

from sessiondesk.lib.env import (
    ConfigError,
    env,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_rate,
)
from sessiondesk.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent

# The instance folder holds the embedded SQLite database, generated keys and the demo's Zoom state.
HOME = Path(env("SESSIONDESK_HOME", str(Path.cwd() / "instance"))).resolve()


def _instance_secret(name: str, *, fernet: bool = False) -> str:
    """A secret generated once into the instance folder, for the embedded default.

    Several processes may start at once: the file appears atomically (link of a complete temp file)
    and the first one wins.
    """
    path = HOME / name
    if not path.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        if fernet:
            from cryptography.fernet import Fernet

            value = Fernet.generate_key().decode()
        else:
            value = secrets.token_urlsafe(48)
        handle, tmp = tempfile.mkstemp(dir=HOME, prefix=f".{name}.")
        with os.fdopen(handle, "w") as tmp_file:
            tmp_file.write(value)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or _instance_secret("secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")
# The name this instance goes by on its public pages (the Zoom guide at /help/zoom/).
SITE_NAME = env("SITE_NAME", "SessionDesk")
# Where people write for help; shown on the public Zoom guide only when set.
SUPPORT_EMAIL = env("SUPPORT_EMAIL")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "sessiondesk.accounts",
    "sessiondesk.scheduling",
    "sessiondesk.meetings",
    "sessiondesk.worker",
    "sessiondesk.notifications",
    "sessiondesk.api",
    "sessiondesk.ops",
    "sessiondesk.transfer",
    "sessiondesk.attendance",
    "sessiondesk.integrations.zoom",
    "sessiondesk.integrations.zoom.directory",
    "sessiondesk.security",
]

MIDDLEWARE = [
    "sessiondesk.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sessiondesk.accounts.middleware.MembershipMiddleware",
]

ROOT_URLCONF = "sessiondesk.urls"
WSGI_APPLICATION = "sessiondesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sessiondesk.accounts.context_processors.membership",
                "sessiondesk.scheduling.context_processors.visitor",
            ],
        },
    },
]

_default_db = f"sqlite:///{HOME / 'sessiondesk.sqlite3'}"
# Connections are kept 60 s between requests, and checked before a request uses one again: a
# connection a database restart ended is replaced instead of failing the request.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend, with a health check that needs no round trip (lib/postgresql).
    DATABASES["default"]["ENGINE"] = "sessiondesk.lib.postgresql"
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters travel apart from the statement, and a statement a connection has run five
        # times is prepared: PostgreSQL then parses and plans it once per connection instead of on
        # every run, which about halves its CPU per booking. A pooler that hands a connection to
        # another client between transactions cannot keep them (DATABASE_PREPARED_STATEMENTS=false).
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with writers queued so the next starts when the previous commits.
    DATABASES["default"]["ENGINE"] = "sessiondesk.lib.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock at BEGIN, so check-then-insert inside a transaction is serialised.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    # A file, not shared-cache memory, so tests see SQLite's real locking between connections.
    # One file per test process, so parallel test runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"sessiondesk-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Static files straight from the source folders, unless collected (compressed) into STATIC_ROOT:
# `sessiondesk serve` collects them and sets STATIC_COLLECTED=true for its processes.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_COLLECTED", False)

SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS by a reverse proxy that sets X-Forwarded-Proto (docs/security.md).
BEHIND_TLS = env_bool("BEHIND_TLS", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", BEHIND_TLS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Email: through SMTP (EMAIL_HOST; Django's default, localhost:25, when it is unset), or with
# DEV_MAILBOX=true kept in the database and shown on the development mailbox page instead.
# `sessiondesk up` turns the mailbox on unless EMAIL_HOST is set (sessiondesk/cli.py).
_smtp_host = env("EMAIL_HOST")
DEV_MAILBOX = env_bool("DEV_MAILBOX", False)
if DEV_MAILBOX and _smtp_host:
    raise ConfigError(
        "DEV_MAILBOX=true keeps every email in the database, but EMAIL_HOST is set to send them: "
        "unset one of the two (docs/configuration.md)"
    )
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "SessionDesk <no-reply@sessiondesk.localhost>")
MAILERS: dict[str, dict[str, object]]
if DEV_MAILBOX:
    MAILERS = {"default": {"BACKEND": "sessiondesk.notifications.mailbox.MailboxBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host or "localhost",
                "port": env_int("EMAIL_PORT", 25),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": 15,
            },
        }
    }
# Seconds a session's confirmation waits for its meeting's join link; a link that comes later is
# sent in an "updated" email. 30 covers one Zoom timeout or three quick 5xx and their retries
# (docs/meetings.md, "The join link in emails").
EMAIL_LINK_WAIT_SECONDS = env_float("EMAIL_LINK_WAIT_SECONDS", 30, minimum=0)

# Encryption at rest (Zoom tokens): Fernet keys, newest first. See docs/configuration.md.
ENCRYPTION_KEYS = env_list("ENCRYPTION_KEYS") or [_instance_secret("encryption_key", fernet=True)]

# Worker loop.
WORKER_POLL_SECONDS = env_float("WORKER_POLL_SECONDS", 0.5, minimum=0.01)
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 60)

# Logs: plain text or JSON lines, with the request id, scrubbed of secrets (sessiondesk/ops/logs.py).
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOG_FORMAT = env("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ConfigError(f'LOG_FORMAT must be "plain" or "json", not {LOG_FORMAT!r}')
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# Zoom
# Without ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET SessionDesk talks to the bundled Zoom emulator with a
# built-in development app; with them, to zoom.us. See docs/configuration.md and docs/zoom-setup.md.
ZOOM_ENABLED = env_bool("ZOOM_ENABLED", True)
ZOOM_EMULATOR_URL = env("ZOOM_EMULATOR_URL", "http://127.0.0.1:9000").rstrip("/")
ZOOM_USES_EMULATOR = not (env("ZOOM_CLIENT_ID") and env("ZOOM_CLIENT_SECRET"))
ZOOM_DEV_WEBHOOK_SECRET_TOKEN = "sessiondesk-dev-webhook-secret"
if ZOOM_USES_EMULATOR:
    # The emulator's development apps, registered by `sessiondesk up` (docs/zoom-emulator.md).
    ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET = "sessiondesk-dev", "sessiondesk-dev-secret"
    ZOOM_ORG_CLIENT_ID, ZOOM_ORG_CLIENT_SECRET = "sessiondesk-dev-org", "sessiondesk-dev-org-secret"
    ZOOM_ORG_READONLY_CLIENT_ID = "sessiondesk-dev-org-readonly"
    ZOOM_ORG_READONLY_CLIENT_SECRET = "sessiondesk-dev-org-readonly-secret"
    ZOOM_OAUTH_URL = env("ZOOM_OAUTH_URL", ZOOM_EMULATOR_URL).rstrip("/")
    ZOOM_API_URL = env("ZOOM_API_URL", ZOOM_EMULATOR_URL + "/v2").rstrip("/")
    ZOOM_WEBHOOK_SECRET_TOKEN = env("ZOOM_WEBHOOK_SECRET_TOKEN", ZOOM_DEV_WEBHOOK_SECRET_TOKEN)
else:
    ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET = env("ZOOM_CLIENT_ID"), env("ZOOM_CLIENT_SECRET")
    # The organisation account needs an admin-managed app; one app serves both when it is unset.
    ZOOM_ORG_CLIENT_ID = env("ZOOM_ORG_CLIENT_ID", ZOOM_CLIENT_ID)
    ZOOM_ORG_CLIENT_SECRET = env("ZOOM_ORG_CLIENT_SECRET", ZOOM_CLIENT_SECRET)
    # Optional: an admin-managed app registered with read scopes only, through which Read-only connects
    # (Zoom grants an app's configured scopes; an authorisation cannot ask for fewer).
    ZOOM_ORG_READONLY_CLIENT_ID = env("ZOOM_ORG_READONLY_CLIENT_ID")
    ZOOM_ORG_READONLY_CLIENT_SECRET = env("ZOOM_ORG_READONLY_CLIENT_SECRET")
    ZOOM_OAUTH_URL = env("ZOOM_OAUTH_URL", "https://zoom.us").rstrip("/")
    ZOOM_API_URL = env("ZOOM_API_URL", "https://api.zoom.us/v2").rstrip("/")
    ZOOM_WEBHOOK_SECRET_TOKEN = env("ZOOM_WEBHOOK_SECRET_TOKEN")
# The admin-managed (organisation) app signs its webhooks with its own secret token.
ZOOM_ORG_WEBHOOK_SECRET_TOKEN = env("ZOOM_ORG_WEBHOOK_SECRET_TOKEN")
ZOOM_ORG_READONLY_WEBHOOK_SECRET_TOKEN = env("ZOOM_ORG_READONLY_WEBHOOK_SECRET_TOKEN")
# Make Zoom's data-compliance call after a deauthorisation (Zoom has deprecated it).
ZOOM_DATA_COMPLIANCE = env_bool("ZOOM_DATA_COMPLIANCE", False)
ZOOM_REDIRECT_URL = env("ZOOM_REDIRECT_URL", SITE_URL + "/integrations/zoom/callback/")
ZOOM_HTTP_TIMEOUT = env_float("ZOOM_HTTP_TIMEOUT", 15, minimum=0.1)

# Meeting sync limits and schedule (docs/meetings.md).
# Calls per second per Zoom account, shared by every worker; 0 turns pacing off.
ZOOM_ACCOUNT_CALLS_PER_SECOND = env_float("ZOOM_ACCOUNT_CALLS_PER_SECOND", 10, minimum=0)
# Meeting creates and updates per Zoom host and UTC day (Zoom's own limit is 100).
ZOOM_DAILY_MEETING_LIMIT = env_int("ZOOM_DAILY_MEETING_LIMIT", 100, minimum=1)
# Seconds between two passes of the sweep that compares upcoming meetings with Zoom.
ZOOM_SWEEP_SECONDS = env_float("ZOOM_SWEEP_SECONDS", 600, minimum=1)
# Occurrences of a recurring series get their meeting this many days before they start.
MEETING_HORIZON_DAYS = env_int("MEETING_HORIZON_DAYS", 30, minimum=1)
# Seconds a change to an existing meeting waits for further edits, so quick edits are one call.
MEETING_UPDATE_SETTLE_SECONDS = env_float("MEETING_UPDATE_SETTLE_SECONDS", 2, minimum=0)
# Days the log of calls to Zoom (what was sent, what came back) is kept for support.
CALL_LOG_RETENTION_DAYS = env_int("CALL_LOG_RETENTION_DAYS", 90, minimum=1)
# Days a handled Zoom webhook delivery is kept for troubleshooting (unhandled ones stay until handled).
ZOOM_EVENT_RETENTION_DAYS = env_int("ZOOM_EVENT_RETENTION_DAYS", 30, minimum=1)
# How long after a meeting ends its provider's participant report is read (Zoom's is not ready at once).
ATTENDANCE_REPORT_DELAY_SECONDS = env_int("ATTENDANCE_REPORT_DELAY_SECONDS", 300, minimum=0)

# Zoom account administration (integrations/zoom/directory): how often the organisation's Zoom
# directory is copied again in full, in minutes (webhooks keep it current in between).
ZOOM_DIRECTORY_SYNC_MINUTES = env_int("ZOOM_DIRECTORY_SYNC_MINUTES", 360)

# Production mode: `sessiondesk serve`, probes and metrics (docs/deploy.md).
# /readyz and the metrics count a worker as live while its heartbeat is newer than this.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 30)
# /metrics answers a bearer token or an allowed client network; with neither it is off (404).
METRICS_TOKEN = env("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS")
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ConfigError(f"METRICS_ALLOWED_NETWORKS: {_network!r} is not an address or a network") from None
# `sessiondesk serve`: address, web processes and threads per process; `sessiondesk worker`: threads.
WEB_BIND = env("WEB_BIND", "127.0.0.1:8000")
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 2)
WEB_THREADS = env_int("WEB_THREADS", 4)
WEB_CPU_AFFINITY = env_choice("WEB_CPU_AFFINITY", "auto", ("auto", "true", "false"))
WEB_SCHED_BATCH = env_bool("WEB_SCHED_BATCH", True)
WEB_WORKER = env_choice("WEB_WORKER", "auto", ("auto", "gthread"))
# Every so many requests on one kept-alive connection, the response closes it (0: never).
WEB_KEEPALIVE_REQUESTS = env_int("WEB_KEEPALIVE_REQUESTS", 20, minimum=0)
WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 1)

# Hardening: security headers and rate limits (docs/security.md) -----------------------------------
from django.utils.csp import CSP  # noqa: E402

if BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent only on HTTPS requests, so only behind TLS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if BEHIND_TLS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # signed links in URLs never leave the site in a Referer
X_FRAME_OPTIONS = "DENY"
MIDDLEWARE.insert(1, "sessiondesk.security.middleware.SecurityPolicyMiddleware")
MIDDLEWARE.insert(2, "sessiondesk.security.middleware.PrivatePagesMiddleware")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # A nonce only on pages that use one (the calendar: FullCalendar writes its rules into a style element).
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    # The middleware adds the origin of ZOOM_OAUTH_URL: connecting Zoom redirects a form post there.
    "form-action": [CSP.SELF],
}

# Rate limits, "<requests>/<seconds>", counted in the database so every process shares them.
RATE_LIMIT_LOGIN = env_rate("RATE_LIMIT_LOGIN", "10/300")  # login attempts per client address
RATE_LIMIT_LOGIN_ACCOUNT = env_rate("RATE_LIMIT_LOGIN_ACCOUNT", "10/900")  # failed logins per account
RATE_LIMIT_PASSWORD_RESET = env_rate("RATE_LIMIT_PASSWORD_RESET", "5/3600")  # per address and per email
RATE_LIMIT_BOOKING = env_rate(
    "RATE_LIMIT_BOOKING", "30/3600"
)  # accepted public bookings per calendar and address
# How many reverse proxies append to X-Forwarded-For in front of SessionDesk (0: use the peer address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
