"""Forms for the pages clients see: booking a slot, moving or cancelling a booking."""

import datetime as dt
import zoneinfo
from functools import cache

from django import forms
from django.utils import timezone

from sessiondesk.lib.zones import is_known_zone, zone_name


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC")
    return [(name, zone_name(name)) for name in names]


def known_timezone(name: str) -> bool:
    return is_known_zone(name)


def parse_slot(value: str) -> dt.datetime | None:
    """An ISO 8601 instant with a zone or offset ("2026-11-24T15:00:00Z"), or None."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return None
    return moment.astimezone(dt.UTC)


def slot_value(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TimezoneField(forms.ChoiceField):
    default_error_messages = {
        "invalid_choice": "Unknown time zone %(value)s; pick one from the list.",
        "required": "Pick your time zone.",
    }

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=timezone_choices, **kwargs)  # type: ignore[arg-type]

    def valid_value(self, value: str) -> bool:
        # Accept every zone Python knows, including old aliases the list leaves out.
        return known_timezone(value)


class SlotField(forms.CharField):
    """A slot start, sent as a UTC instant; must be in the future."""

    def to_python(self, value: object) -> dt.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        moment = parse_slot(text)
        if moment is None:
            raise forms.ValidationError("That time is not valid. Please pick a time from the list.")
        return moment

    def validate(self, value: object) -> None:
        if value is None and self.required:
            raise forms.ValidationError("Please pick a time.")
        if isinstance(value, dt.datetime) and value <= timezone.now():
            raise forms.ValidationError("That time has already passed. Please pick a later time.")


class BookingForm(forms.Form):
    start = SlotField(widget=forms.HiddenInput)
    tz = TimezoneField(widget=forms.HiddenInput)
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(
        label="Email", max_length=254, error_messages={"invalid": "Please enter a valid email address."}
    )
    phone = forms.CharField(label="Phone", max_length=40, required=False, help_text="Optional")
    notes = forms.CharField(
        label="Anything we should know?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what you would like to cover.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name


class RescheduleForm(forms.Form):
    start = SlotField()
    tz = TimezoneField(required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shared with the organisation.",
    )
