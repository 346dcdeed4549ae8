from django import forms

from sessiondesk.accounts.models import Organization
from sessiondesk.meetings import providers
from sessiondesk.scheduling.models import Provider, SessionType


class SessionTypeForm(forms.ModelForm):
    class Meta:
        model = SessionType
        fields = ["name", "duration_minutes", "is_online", "default_provider"]
        labels = {
            "duration_minutes": "Length (minutes)",
            "is_online": "Online session",
            "default_provider": "Default meeting",
        }
        help_texts = {
            "is_online": "Unticked: in person, with no online meeting.",
            "default_provider": "Used for sessions booked on public pages and preselected on new sessions.",
        }

    def __init__(self, *args: object, org_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.org_id = org_id
        self.fields["duration_minutes"].widget.attrs.update(min=5, max=720, step=5)
        provider = self.fields["default_provider"]
        assert isinstance(provider, forms.ChoiceField)
        org = Organization.objects.get(pk=org_id)
        provider.choices = providers.offered(org, keep=self.instance.default_provider or "")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = SessionType.objects.filter(org_id=self.org_id, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError("There is already a session type with that name.")
        return name

    def clean_duration_minutes(self) -> int:
        minutes = self.cleaned_data["duration_minutes"]
        if not 5 <= minutes <= 720:
            raise forms.ValidationError("A session lasts between 5 minutes and 12 hours.")
        return minutes

    @property
    def changed_data(self) -> list[str]:  # type: ignore[override]
        """What differs once saved: the default meeting as ``clean`` left it (none for an in-person
        type, whatever the form sent), the other fields as sent."""
        changed = list(super().changed_data)
        if "default_provider" not in getattr(self, "cleaned_data", {}):
            return changed
        changed = [name for name in changed if name != "default_provider"]
        if self.cleaned_data["default_provider"] != self.initial.get("default_provider"):
            changed.append("default_provider")
        return changed

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("is_online") is False:
            # In person has no meeting, whatever the (then hidden) meeting field still says.
            data["default_provider"] = Provider.NONE
        if data.get("default_provider") == Provider.CUSTOM:
            self.add_error(
                "default_provider",
                "A custom link is set per session or per calendar; choose 'No online meeting' here.",
            )
        return data
