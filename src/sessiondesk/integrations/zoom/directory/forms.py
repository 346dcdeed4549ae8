from django import forms

from sessiondesk.accounts.models import Member, Role
from sessiondesk.integrations.zoom.directory.models import UserStatus

TYPE_CHOICES = [(1, "Basic"), (2, "Licensed (Pro)")]
LINKED_CHOICES = [("", "Anyone"), ("yes", "Linked to a member"), ("no", "Not linked")]


class MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Member) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.user.email})"


def hosts_of(org_id: int) -> MemberChoice:
    people = (
        Member.objects.filter(
            org_id=org_id, is_active=True, role__in=[Role.OWNER, Role.ADMIN, Role.CONSULTANT]
        )
        .select_related("user")
        .order_by("user__name")
    )
    return MemberChoice(people, required=False, label="Link to member", empty_label="No one")


class OnboardForm(forms.Form):
    email = forms.EmailField(max_length=128)
    first_name = forms.CharField(max_length=64)
    last_name = forms.CharField(max_length=64)
    user_type = forms.TypedChoiceField(choices=TYPE_CHOICES, coerce=int, initial=2, label="Account type")

    def __init__(self, *args: object, org_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"] = hosts_of(org_id)


class AdoptForm(forms.Form):
    email = forms.EmailField(max_length=128)

    def __init__(self, *args: object, org_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"] = hosts_of(org_id)


class LinkForm(forms.Form):
    def __init__(self, *args: object, org_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"] = hosts_of(org_id)


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
