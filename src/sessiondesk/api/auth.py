"""Who is calling: a member's API token (``Authorization: Bearer <token>``) or a signed-in browser."""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from sessiondesk.accounts import tokens
from sessiondesk.accounts.models import Member


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Member:
        member = tokens.authenticate(token.strip())
        if member is None:
            # A wrong token is an error, not a reason to fall back to the browser session.
            raise AuthenticationError(message="Invalid or revoked API token.")
        return member


class BrowserSessionAuth(APIKeyCookie):
    """The signed-in member of the web app; writes need the CSRF token like any form post."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403, "CSRF check failed: send the X-CSRFToken header from the page's csrftoken cookie."
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Member | None:
        return getattr(request, "member", None)


def member_of(request: HttpRequest) -> Member:
    return request.auth  # type: ignore[attr-defined,no-any-return]


auth = [TokenAuth(), BrowserSessionAuth()]
