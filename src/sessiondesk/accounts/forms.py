from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordMixin,
)
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from sessiondesk.accounts.models import Member, Organization, Role, User
from sessiondesk.lib.zones import ZoneField
from sessiondesk.notifications.actions import queue_email


class TimezoneField(ZoneField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="Time zone", **kwargs)


class LoginForm(AuthenticationForm):
    # "username": the account's name to password managers (the email is how an account is named here).
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account.",
        "no_membership": "Your account is not an active member of any organisation. Ask an admin to invite you.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_superuser and not Member.objects.filter(user=user, is_active=True).exists():
            raise ValidationError(self.error_messages["no_membership"], code="no_membership")


class QueuedPasswordResetForm(PasswordResetForm):
    """Queues the reset email as a row for the worker instead of sending it inside the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        context = {**context, "url": settings.SITE_URL + path}
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body_text=body, kind="password_reset")


class InvitationForm(forms.Form):
    email = forms.EmailField()
    name = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONSULTANT)


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    name = forms.CharField(max_length=200, label="Your name")
    timezone = TimezoneField()
    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1="Choose a password", label2="Password again"
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        if not self.is_bound:
            # The newcomer's own zone, as their browser tells it (picker.js); the organisation's
            # without scripts, or once they have chosen.
            self.fields["timezone"].widget.attrs["data-zone-detect"] = ""

    def clean(self) -> dict[str, Any] | None:
        self.validate_passwords("new_password1", "new_password2")
        # Validators such as "too similar to the email" need a person to compare with.
        candidate = User(email=self.email, name=self.cleaned_data.get("name", ""))
        self.validate_password_for_user(candidate, "new_password1")
        return super().clean()


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class _DistinctIds:
    """The settings page shows several forms with a "name" field; their element ids must differ."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ProfileForm(_DistinctIds, forms.Form):
    id_prefix = "profile"
    name = forms.CharField(max_length=200)
    timezone = TimezoneField(help_text="Times across SessionDesk are shown to you in this zone.")

    @classmethod
    def for_user(cls, user: User) -> "ProfileForm":
        return cls(initial={"name": user.name, "timezone": user.timezone})


class OrganizationForm(_DistinctIds, forms.Form):
    id_prefix = "org"
    name = forms.CharField(max_length=200, label="Organisation name")
    timezone = TimezoneField(
        help_text="The organisation's home zone, used for its meetings and public pages."
    )

    @classmethod
    def for_org(cls, org: Organization) -> "OrganizationForm":
        return cls(initial={"name": org.name, "timezone": org.timezone})


class ApiTokenForm(_DistinctIds, forms.Form):
    id_prefix = "token"
    name = forms.CharField(
        max_length=100, label="New token name", help_text="What will use it, e.g. “Reporting script”."
    )


class SettingsPasswordChangeForm(PasswordChangeForm):
    """Django's form without autofocus: on the settings page it would pull the page to the middle."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
