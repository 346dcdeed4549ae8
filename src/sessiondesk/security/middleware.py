"""Django's Content-Security-Policy middleware, with Zoom's consent page added to ``form-action``.

Connecting Zoom posts a form to SessionDesk that redirects the browser to Zoom; browsers apply
``form-action`` to that redirect too. The OAuth address is read per response, so a changed
``ZOOM_OAUTH_URL`` (or the emulator's port in tests) is always the one allowed.
"""

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
