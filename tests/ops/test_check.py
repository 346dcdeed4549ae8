"""`sessiondesk check`: each problem is named with its fix, and the command exits non-zero."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.integrations.zoom.conftest import ORG_APP, PERSONAL_APP, READ_ONLY_APP

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keys_in_environment(monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    """As a deployment sets them (on PostgreSQL the check insists they come from the environment)."""
    monkeypatch.setenv("SECRET_KEY", settings.SECRET_KEY)
    monkeypatch.setenv("ENCRYPTION_KEYS", ",".join(settings.ENCRYPTION_KEYS))


def run_check(*args: str) -> tuple[str, str]:
    """The command's output and its error ("" when it exited 0)."""
    out = io.StringIO()
    try:
        call_command("check", *args, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), ""


def lines(output: str, marker: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(marker)]


@pytest.fixture
def real_zoom(settings, zoom):  # type: ignore[no-untyped-def]
    """Zoom credentials as in production (pointed at the emulator), with well-formed https URLs."""
    settings.ZOOM_USES_EMULATOR = False
    settings.SITE_URL = "https://desk.example.com"
    settings.ALLOWED_HOSTS = ["desk.example.com"]
    settings.ZOOM_REDIRECT_URL = "https://desk.example.com/integrations/zoom/callback/"
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = "webhook-secret-token"
    return zoom


def token_requests(zoom) -> list[dict]:  # type: ignore[no-untyped-def]
    return [r for r in zoom.requests() if r["path"] == "/oauth/token"]


def test_it_passes_a_sound_configuration_after_asking_zoom_for_a_token(real_zoom) -> None:  # type: ignore[no-untyped-def]
    output, error = run_check()
    assert error == ""
    assert lines(output, "FAIL") == []
    assert (
        f"ok   zoom: ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET: Zoom accepts the app's credentials (client id {PERSONAL_APP[0]})."
        in output
    )
    assert (
        f"ok   zoom: ZOOM_ORG_CLIENT_ID/ZOOM_ORG_CLIENT_SECRET: Zoom accepts the app's credentials (client id {ORG_APP[0]})."
        in output
    )
    assert (
        "ok   zoom: ZOOM_ORG_READONLY_CLIENT_ID/ZOOM_ORG_READONLY_CLIENT_SECRET: Zoom accepts the app's "
        f"credentials (client id {READ_ONLY_APP[0]})."
    ) in output
    assert "ok   urls: Zoom redirect URL: https://desk.example.com/integrations/zoom/callback/" in output
    assert "ok   urls: Zoom webhook URL: https://desk.example.com/integrations/zoom/webhook/" in output
    assert "ok   database: " in output
    assert output.rstrip().endswith("Configuration OK.")
    assert len(token_requests(real_zoom)) == 3


def test_the_optional_read_only_app_is_checked_only_when_set(real_zoom, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_ORG_READONLY_CLIENT_SECRET = ""
    output, error = run_check()
    assert lines(output, "FAIL") == [
        "FAIL zoom: ZOOM_ORG_READONLY_CLIENT_ID/ZOOM_ORG_READONLY_CLIENT_SECRET: both must be set."
    ]
    settings.ZOOM_ORG_READONLY_CLIENT_ID = ""
    output, error = run_check()
    assert (lines(output, "FAIL"), error) == ([], "")
    assert "ZOOM_ORG_READONLY" not in output


def test_it_names_the_credentials_zoom_refuses(real_zoom, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_ORG_CLIENT_SECRET = "not-the-secret"
    output, error = run_check()
    assert error == "1 configuration problem(s): see FAIL above."
    assert lines(output, "FAIL") == [
        "FAIL zoom: ZOOM_ORG_CLIENT_ID/ZOOM_ORG_CLIENT_SECRET: Zoom does not accept these credentials "
        "(invalid_client). Copy the Client ID and Client Secret from the app's page on the Zoom Marketplace "
        "(App Credentials)."
    ]
    assert "Configuration OK." not in output


def test_it_says_when_zoom_cannot_be_reached(real_zoom, settings) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.integrations.zoom import client

    settings.ZOOM_OAUTH_URL = "http://127.0.0.1:9"
    with client.use_transport(None):
        output, error = run_check()
    assert error == "1 configuration problem(s): see FAIL above."
    # Once, not once per app: both apps use the same address.
    assert lines(output, "FAIL") == [
        "FAIL zoom: Zoom at http://127.0.0.1:9 cannot be reached (ConnectError): check ZOOM_OAUTH_URL and this "
        "machine's outbound network."
    ]
    assert token_requests(real_zoom) == []


def test_it_refuses_malformed_and_mismatched_urls(real_zoom, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_REDIRECT_URL = "https://other.example.com/integrations/zoom/callback/"
    settings.SITE_URL = "http://desk.example.com"
    output, error = run_check("--no-zoom")
    assert lines(output, "FAIL") == [
        "FAIL urls: ZOOM_REDIRECT_URL (https://other.example.com/integrations/zoom/callback/) is not on "
        "SITE_URL's host (http://desk.example.com): Zoom would send people elsewhere.",
        "FAIL urls: The webhook URL (SITE_URL + /integrations/zoom/webhook/) must use https for Zoom (it refuses "
        "plain http): 'http://desk.example.com/integrations/zoom/webhook/'.",
    ]
    assert error == "2 configuration problem(s): see FAIL above."
    assert token_requests(real_zoom) == []


def test_it_refuses_a_site_url_without_a_scheme_and_an_unlisted_host(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "desk.example.com"
    output, _ = run_check("--no-zoom")
    assert lines(output, "FAIL") == [
        "FAIL urls: SITE_URL must be an absolute http(s) URL, not 'desk.example.com'."
    ]
    settings.SITE_URL = "https://desk.example.com"
    settings.ZOOM_REDIRECT_URL = "https://desk.example.com/integrations/zoom/callback/"
    settings.ALLOWED_HOSTS = ["localhost"]
    output, _ = run_check("--no-zoom")
    assert lines(output, "FAIL") == [
        "FAIL urls: SITE_URL's host 'desk.example.com' is not in ALLOWED_HOSTS, so every request to it would be "
        "refused: add it to ALLOWED_HOSTS."
    ]


def test_it_refuses_a_redirect_url_that_is_not_the_callback(real_zoom, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_REDIRECT_URL = "https://desk.example.com/zoom/"
    output, _ = run_check("--no-zoom")
    assert lines(output, "FAIL") == [
        "FAIL urls: ZOOM_REDIRECT_URL must end with /integrations/zoom/callback/, not "
        "'https://desk.example.com/zoom/'."
    ]


def test_it_refuses_a_missing_webhook_secret_and_a_bad_encryption_key(real_zoom, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = ""
    settings.ENCRYPTION_KEYS = [settings.ENCRYPTION_KEYS[0], "not-a-key"]
    output, error = run_check()
    assert lines(output, "FAIL") == [
        "FAIL keys: ENCRYPTION_KEYS: key number 2 is not a Fernet key (32 url-safe base64-encoded bytes; see "
        "docs/configuration.md).",
        "FAIL zoom: ZOOM_WEBHOOK_SECRET_TOKEN is not set, so Zoom's webhooks cannot be verified and are refused: "
        "copy the app's Secret Token (Features → Access).",
    ]
    assert error == "2 configuration problem(s): see FAIL above."


def test_it_tells_how_to_reach_the_emulator_in_the_embedded_default(settings) -> None:  # type: ignore[no-untyped-def]
    from sessiondesk.integrations.zoom import client

    assert settings.ZOOM_USES_EMULATOR
    settings.ZOOM_OAUTH_URL = "http://127.0.0.1:9"
    with client.use_transport(None):
        output, error = run_check()
    assert "ok   keys: SECRET_KEY is set (from the environment)." in output
    assert lines(output, "FAIL") == [
        "FAIL zoom: the bundled Zoom emulator at http://127.0.0.1:9 cannot be reached (ConnectError): it runs "
        "inside `sessiondesk up` (or alone: `sessiondesk emulator`); for real Zoom set ZOOM_CLIENT_ID and "
        "ZOOM_CLIENT_SECRET (docs/zoom-setup.md)."
    ]
    assert error == "1 configuration problem(s): see FAIL above."


def check_process(home: Path, database_url: str, *unset: str) -> subprocess.CompletedProcess[str]:
    """``sessiondesk check --no-zoom`` in a process of its own, on ``database_url``, with the
    variables ``unset`` taken out of its environment."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", *unset)}
    env.update(
        DATABASE_URL=database_url, SESSIONDESK_HOME=str(home), DJANGO_SETTINGS_MODULE="sessiondesk.settings"
    )
    return subprocess.run(
        [sys.executable, "-m", "sessiondesk", "check", "--no-zoom"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_exits_non_zero_when_the_database_cannot_be_reached_and_keys_are_not_shared(tmp_path) -> None:
    done = check_process(tmp_path, "postgres://postgres@127.0.0.1:9/nothing", "SECRET_KEY", "ENCRYPTION_KEYS")
    assert done.returncode == 1
    failed = lines(done.stdout, "FAIL")
    assert len(failed) == 3
    assert failed[0].startswith(
        "FAIL database: PostgreSQL database 'nothing' on 127.0.0.1:9 cannot be reached: "
    )
    assert failed[0].endswith(". Check DATABASE_URL.")
    assert failed[1].startswith("FAIL keys: SECRET_KEY is not set, so this process uses the one generated")
    assert failed[2].startswith(
        "FAIL keys: ENCRYPTION_KEYS is not set, so this process uses the key generated"
    )
    assert "CommandError: 3 configuration problem(s): see FAIL above." in done.stderr


def test_it_names_the_socket_folder_of_a_database_on_a_unix_socket(tmp_path) -> None:
    folder = tmp_path / "no-server-here"
    folder.mkdir()
    done = check_process(tmp_path, "postgres://postgres@" + str(folder).replace("/", "%2F") + "/nothing")
    assert done.returncode == 1
    [failed] = [line for line in lines(done.stdout, "FAIL") if line.startswith("FAIL database:")]
    assert failed.startswith(
        f"FAIL database: PostgreSQL database 'nothing' through the socket in {folder} (port 5432) cannot be "
        "reached: "
    )
    assert failed.endswith(". Check DATABASE_URL.")


# The test run sends through Django's in-memory backend, which Django's deployment checks refuse (mail.E001);
# these tests configure email as settings.py does.
MAILBOX = {"default": {"BACKEND": "sessiondesk.notifications.mailbox.MailboxBackend"}}
SMTP = {
    "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "localhost"}}
}


@pytest.fixture
def deployed(monkeypatch):  # type: ignore[no-untyped-def]
    # The browser tests allow Django's ORM in async code for the whole run; a deployment must not.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def test_a_deployment_fails_while_the_development_mailbox_is_on(real_zoom, settings, deployed) -> None:  # type: ignore[no-untyped-def]
    settings.DEV_MAILBOX, settings.MAILERS = True, MAILBOX
    output, error = run_check("--deploy", "--no-zoom")
    assert lines(output, "FAIL") == [
        "FAIL email: The development mailbox is on (DEV_MAILBOX=true): emails are kept in the database instead "
        "of being sent, and members read clients' emails and signed links in it. Set EMAIL_HOST (with "
        "EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) and remove DEV_MAILBOX."
    ]
    assert error == "1 configuration problem(s): see FAIL above."
    assert "Configuration OK." not in output


def test_without_deploy_the_development_mailbox_is_only_named(real_zoom, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEV_MAILBOX, settings.MAILERS = True, MAILBOX
    output, error = run_check("--no-zoom")
    assert error == ""
    assert lines(output, "ok   email") == [
        "ok   email: The development mailbox is on: emails are kept in the database and shown at /dev/mailbox/ "
        "(development only; set EMAIL_HOST to send them)."
    ]


def test_a_deployment_passes_with_an_smtp_server(real_zoom, settings, monkeypatch, deployed) -> None:  # type: ignore[no-untyped-def]
    assert settings.DEV_MAILBOX is False
    settings.MAILERS = SMTP
    output, error = run_check("--deploy", "--no-zoom")
    assert lines(output, "ok   email") == [
        "ok   email: Emails go out through the SMTP server at localhost:25 (EMAIL_HOST is not set: Django's default)."
    ]
    assert error == ""
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.com")
    monkeypatch.setenv("EMAIL_PORT", "587")
    output, error = run_check("--deploy", "--no-zoom")
    assert lines(output, "ok   email") == [
        "ok   email: Emails go out through the SMTP server at smtp.example.com:587."
    ]
    assert lines(output, "FAIL") == []
    assert error == ""
