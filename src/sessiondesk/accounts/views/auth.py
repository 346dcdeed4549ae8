"""Login, logout and password reset: Django's views with our forms, templates and 400s on bad input."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from sessiondesk.accounts.forms import LoginForm, QueuedPasswordResetForm


class BadRequestOnInvalid:
    def form_invalid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class LoginView(BadRequestOnInvalid, auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have been logged out.")
        return response


class PasswordResetView(BadRequestOnInvalid, auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"


class PasswordResetConfirmView(BadRequestOnInvalid, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    pass


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    pass
