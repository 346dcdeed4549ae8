from django import forms
from django.db import IntegrityError, transaction

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib.zones import ZoneField
from sessiondesk.scheduling.models import Client


class ClientForm(forms.ModelForm):
    timezone = ZoneField(help_text="Session times in their emails and portal are shown in this zone.")

    class Meta:
        model = Client
        fields = ["name", "email", "phone", "timezone", "notes"]
        help_texts = {"notes": "Only members of your organisation see these notes."}

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        if not self.instance.pk:
            self.initial.setdefault("timezone", org.timezone)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the client's name.")
        return name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        taken = Client.objects.filter(org=self.org, email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                "Another client in your organisation already uses this email address."
            )
        return email

    def save_for(self, actor: Member) -> Client | None:
        """Save with an audit entry; None (and a form error) when a concurrent save took the email."""
        creating = self.instance.pk is None
        client = self.instance
        client.org = self.org
        if creating:
            client.created_by = actor
        try:
            with transaction.atomic():
                client.save()
                action = "client.created" if creating else "client.updated"
                audit.record(self.org, actor, action, client, fields=sorted(self.changed_data))
        except IntegrityError:
            if creating:
                client.pk = None
            self.add_error("email", "Another client in your organisation already uses this email address.")
            return None
        return client
