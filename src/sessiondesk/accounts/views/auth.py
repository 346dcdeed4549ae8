"""Login, logout and password reset: Django's views with our forms, templates and 400s on bad input."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator

from sessiondesk.accounts.forms import LoginForm, QueuedPasswordResetForm
from sessiondesk.security import ratelimit


class BadRequestOnInvalid:
    def form_invalid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


def _posted(request: HttpRequest, field: str) -> str:
    return request.POST.get(field, "").strip().lower()[:254]


@method_decorator(ratelimit.limited("login", "RATE_LIMIT_LOGIN", "login attempts"), name="dispatch")
class LoginView(BadRequestOnInvalid, auth_views.LoginView):
    """Limited per client address (every attempt) and per account (failed attempts, from anywhere).
    The account limit applies to any email typed, so it does not tell which accounts exist."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = _posted(request, "username")
        wait = ratelimit.retry_after("login-account", account, ratelimit.setting("RATE_LIMIT_LOGIN_ACCOUNT"))
        if account and wait is not None:
            return ratelimit.too_many(request, wait, "failed logins for this account")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        account = _posted(self.request, "username")
        if account:
            ratelimit.record("login-account", account, ratelimit.setting("RATE_LIMIT_LOGIN_ACCOUNT"))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have been logged out.")
        return response


@method_decorator(
    ratelimit.limited("password-reset", "RATE_LIMIT_PASSWORD_RESET", "password reset requests"),
    name="dispatch",
)
class PasswordResetView(BadRequestOnInvalid, auth_views.PasswordResetView):
    """Limited per client address and per email address, so nobody floods one inbox."""

    form_class = QueuedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = _posted(request, "email")
        if email:
            rate = ratelimit.setting("RATE_LIMIT_PASSWORD_RESET")
            wait = ratelimit.hit("password-reset-email", email, rate)
            if wait is not None:
                return ratelimit.too_many(request, wait, "password reset requests")
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(BadRequestOnInvalid, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    pass


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    pass
