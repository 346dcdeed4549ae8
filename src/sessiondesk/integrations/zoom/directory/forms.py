from typing import cast

from django import forms
from django.urls import reverse

from sessiondesk.accounts.models import Member, Role
from sessiondesk.accounts.pickers import chosen_members
from sessiondesk.integrations.zoom.directory import user_types
from sessiondesk.integrations.zoom.directory.models import UserStatus
from sessiondesk.lib.picker import Picker
from sessiondesk.scheduling.pickers import find_hosts

LINKED_CHOICES = [("", "Anyone"), ("yes", "Linked to a member"), ("no", "Not linked")]


class MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Member) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.user.email})"


def add_host_picker(form: forms.Form, viewer: Member) -> None:
    """The form's "Link to member": a search-as-you-type pick among the organisation's hosts."""
    people = (
        Member.objects.filter(
            org_id=viewer.org_id, is_active=True, role__in=[Role.OWNER, Role.ADMIN, Role.CONSULTANT]
        )
        .select_related("user")
        .order_by("user__name")
    )
    field = MemberChoice(
        people,
        required=False,
        label="Link to member",
        empty_label="No one",
        widget=Picker(multiple=False, noun="member", empty_label="No one"),
    )
    form.fields["member"] = field
    cast(Picker, field.widget).connect(
        search_url=reverse("pick_hosts"),
        chosen=lambda ids: chosen_members(people, ids),
        find=lambda text: find_hosts(viewer, text),
        data=form.data if form.is_bound else form.initial,
        name="member",
    )


class OnboardForm(forms.Form):
    email = forms.EmailField(max_length=128)
    first_name = forms.CharField(max_length=64)
    last_name = forms.CharField(max_length=64)
    # The types Zoom creates on the account's plan (user_types.offered); another one is refused with why.
    user_type = forms.IntegerField(label="Account type", widget=forms.Select)

    def __init__(self, *args: object, viewer: Member, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.org_id = viewer.org_id
        offered = user_types.offered(self.org_id)
        field = self.fields["user_type"]
        field.widget.choices = offered  # type: ignore[attr-defined]
        field.initial = max(kind for kind, _ in offered)
        field.help_text = user_types.help_text(self.org_id)
        add_host_picker(self, viewer)

    def clean_user_type(self) -> int:
        kind: int = self.cleaned_data["user_type"]
        reason = user_types.refusal(self.org_id, kind)
        if reason:
            raise forms.ValidationError(reason)
        return kind


class AdoptForm(forms.Form):
    email = forms.EmailField(max_length=128)

    def __init__(self, *args: object, viewer: Member, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        add_host_picker(self, viewer)


class LinkForm(forms.Form):
    def __init__(self, *args: object, viewer: Member, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        add_host_picker(self, viewer)


class OffboardForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("disassociate", "Disassociate: they keep a free Zoom account of their own"),
            ("delete", "Delete: their Zoom user and data are deleted for good"),
        ],
        initial="disassociate",
        widget=forms.RadioSelect,
    )
    transfer_to = forms.CharField(required=False, max_length=254)


class FilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    status = forms.ChoiceField(choices=[("", "Any status"), *UserStatus.choices], required=False)
    type = forms.TypedChoiceField(
        choices=[("", "Any type"), (1, "Basic"), (2, "Licensed (Pro)"), (3, "On-prem (Corporate)")],
        coerce=int,
        empty_value=None,
        required=False,
        label="Account type",
    )
    role = forms.CharField(required=False, max_length=64)
    group = forms.CharField(required=False, max_length=64)
    linked = forms.ChoiceField(choices=LINKED_CHOICES, required=False)
