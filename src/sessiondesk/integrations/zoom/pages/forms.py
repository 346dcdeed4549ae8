from typing import Any

from django import forms

from sessiondesk.integrations.zoom.models import MeetingPreference


class PreferenceForm(forms.Form):
    platform = forms.ChoiceField(
        label="Meeting platform for your online sessions", widget=forms.RadioSelect, choices=()
    )
    custom_url = forms.URLField(
        label="Your meeting link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Used for every online session when you choose “Custom link”, e.g. a Google Meet or Teams room.",
    )

    def __init__(self, *args: Any, zoom: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        platform = self.fields["platform"]
        assert isinstance(platform, forms.ChoiceField)
        platform.choices = [
            (value, label) for value, label in MeetingPreference.PLATFORMS if zoom or value != "zoom"
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("platform") == "custom" and not data.get("custom_url"):
            self.add_error("custom_url", "Enter the meeting link to use with “Custom link”.")
        return data
