"""Response headers the whole site shares (docs/security.md).

``SecurityPolicyMiddleware`` is Django's Content-Security-Policy middleware, with Zoom's consent page
added to ``form-action``: connecting Zoom posts a form to SessionDesk that redirects the browser to
Zoom, and browsers apply ``form-action`` to that redirect too. The OAuth address is read per
response, so a changed ``ZOOM_OAUTH_URL`` (or the emulator's port in tests) is always the one allowed.

``PrivatePagesMiddleware`` keeps one person's pages out of the browser's and any proxy's cache.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware


def zoom_origin() -> str:
    parts = urlsplit(getattr(settings, "ZOOM_OAUTH_URL", ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class SecurityPolicyMiddleware(ContentSecurityPolicyMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        policy: dict[str, Any] = settings.SECURE_CSP
        if policy and not hasattr(response, "_csp_config") and "form-action" in policy and zoom_origin():
            response._csp_config = {**policy, "form-action": [*policy["form-action"], zoom_origin()]}  # type: ignore[attr-defined]
        return super().process_response(request, response)


# Pages opened by a signed link in an email: a client's booking and portal, a member's invitation.
SIGNED_LINK_PREFIXES = ("/manage/", "/portal/", "/invite/")
PRIVATE = "private, no-store"


def _for_one_person(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent for static files, which WhiteNoise answers first
    if user is not None and user.is_authenticated:
        return True
    if getattr(request, "auth", None) is not None:  # the API's bearer token
        return True
    return request.path.startswith(SIGNED_LINK_PREFIXES)


class PrivatePagesMiddleware:
    """A signed-in member's pages and a signed link's pages get ``Cache-Control: private, no-store``,
    so a shared computer's browser does not keep them; a view that set its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _for_one_person(request):
            response["Cache-Control"] = PRIVATE
        return response
