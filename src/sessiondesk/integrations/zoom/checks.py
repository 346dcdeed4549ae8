"""What ``sessiondesk check`` says about Zoom: the redirect and webhook URLs agree with SITE_URL, and
Zoom accepts the apps' credentials (asked with an app-only token request)."""

from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.urls import reverse

from sessiondesk.integrations.zoom import client as zoom_client
from sessiondesk.ops.checks import Finding, url_problem


def findings(*, contact: bool) -> list[Finding]:
    found = urls()
    if contact:
        found += zoom_apps()
    return found


def urls() -> list[Finding]:
    findings: list[Finding] = []
    site = settings.SITE_URL
    https_for = "Zoom" if not settings.ZOOM_USES_EMULATOR else ""
    if not settings.ZOOM_ENABLED or url_problem("SITE_URL", site):
        return findings
    redirect = settings.ZOOM_REDIRECT_URL
    callback = reverse("zoom_callback")
    problem = url_problem("ZOOM_REDIRECT_URL", redirect, https_for=https_for)
    if not problem and urlsplit(redirect).path != callback:
        problem = f"ZOOM_REDIRECT_URL must end with {callback}, not {redirect!r}."
    if not problem and urlsplit(redirect).netloc != urlsplit(site).netloc:
        problem = f"ZOOM_REDIRECT_URL ({redirect}) is not on SITE_URL's host ({site}): Zoom would send people elsewhere."
    findings.append(Finding("urls", not problem, problem or f"Zoom redirect URL: {redirect}"))
    webhook = site + reverse("zoom_webhook")
    problem = url_problem(
        "The webhook URL (SITE_URL + /integrations/zoom/webhook/)", webhook, https_for=https_for
    )
    findings.append(Finding("urls", not problem, problem or f"Zoom webhook URL: {webhook}"))
    return findings


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
    read_only = (settings.ZOOM_ORG_READONLY_CLIENT_ID, settings.ZOOM_ORG_READONLY_CLIENT_SECRET)
    if any(read_only):  # optional: checked once either half is set
        apps.append(("ZOOM_ORG_READONLY_CLIENT_ID/ZOOM_ORG_READONLY_CLIENT_SECRET", *read_only))
    for names, client_id, secret in apps:
        finding, reached = _zoom_app(names, client_id, secret, where)
        findings.append(finding)
        if not reached:
            break  # the same address for every app: once is enough
    return findings


def _zoom_app(names: str, client_id: str, secret: str, where: str) -> tuple[Finding, bool]:
    """Ask Zoom for an app-only token (client credentials grant): it answers ``invalid_client`` for
    credentials it does not know, and anything else (a token, or a refusal of the grant) proves them."""
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
