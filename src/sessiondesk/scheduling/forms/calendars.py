from typing import Any, cast

from django import forms
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import Member, Organization, Role
from sessiondesk.accounts.pickers import chosen_members
from sessiondesk.lib.picker import ManyRows, Picker
from sessiondesk.scheduling import pickers
from sessiondesk.scheduling.models import Calendar, CalendarKind, Provider, SessionType

TEAM_FIELDS = ("kind", "members")
LIMITS = {
    "buffer_before_minutes": (0, 240),
    "buffer_after_minutes": (0, 240),
    "min_notice_minutes": (0, 60 * 24 * 30),
    "max_days_ahead": (1, 365),
    "slot_interval_minutes": (5, 240),
}


class MemberChoiceField(ManyRows):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name} ({obj.get_role_display()}, {obj.timezone})"


class CalendarForm(forms.ModelForm):
    members = MemberChoiceField(
        queryset=Member.objects.none(),
        widget=Picker(multiple=True, noun="member"),
        help_text="Personal: exactly one host. Round robin: each booking goes to one free member. "
        "Collective: everyone must be free and everyone attends.",
    )

    class Meta:
        model = Calendar
        fields = [
            "name",
            "slug",
            "kind",
            "members",
            "session_type",
            "description",
            "is_public",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "min_notice_minutes",
            "max_days_ahead",
            "slot_interval_minutes",
            "custom_meeting_url",
        ]
        labels = {
            "slug": "Web address",
            "is_public": "Bookable on a public page",
            "buffer_before_minutes": "Buffer before (minutes)",
            "buffer_after_minutes": "Buffer after (minutes)",
            "min_notice_minutes": "Minimum notice (minutes)",
            "max_days_ahead": "Bookable up to (days ahead)",
            "slot_interval_minutes": "Start times every (minutes)",
            "custom_meeting_url": "Meeting link",
        }
        help_texts = {
            "slug": "The last part of the booking page address. Leave empty to make one from the name.",
            "buffer_before_minutes": "Free time kept before each booking.",
            "buffer_after_minutes": "Free time kept after each booking.",
            "min_notice_minutes": "How long before a start time bookings close (240 = 4 hours).",
            "slot_interval_minutes": "How often start times are offered, e.g. 30 for 9:00, 9:30, 10:00.",
            "custom_meeting_url": "Optional: every online session booked here meets at this link (a personal room, "
            "say) instead of the session type's meeting.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, org: Organization, actor: Member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.actor = actor
        self.fields["slug"].required = self.instance.pk is not None
        session_type = cast(forms.ModelChoiceField, self.fields["session_type"])
        session_type.queryset = SessionType.objects.filter(org=org)
        session_type.empty_label = None
        hosts = Member.objects.filter(org=org, is_active=True).exclude(role=Role.STAFF)
        cast(forms.ModelMultipleChoiceField, self.fields["members"]).queryset = hosts.select_related(
            "user"
        ).order_by("user__name")
        cast(Picker, self.fields["members"].widget).connect(
            search_url=reverse("pick_hosts"),
            chosen=lambda ids: chosen_members(hosts, ids),
            find=lambda text: pickers.find_hosts(actor, text),
            data=self.data if self.is_bound else self.initial,
            name="members",
        )
        for name, (low, high) in LIMITS.items():
            self.fields[name].widget.attrs.update(min=low, max=high)
            self.fields[name].validators.append(_between(low, high))
        if not actor.manages_org:
            # Consultants keep a calendar's kind and team as they are; a new one is personal to them.
            for name in TEAM_FIELDS:
                del self.fields[name]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the calendar a name.")
        return name

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "")
        if not slug:
            return ""
        if Calendar.objects.filter(org=self.org, slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another calendar already uses this web address.")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind", self.instance.kind if self.instance.pk else CalendarKind.PERSONAL)
        members = data.get("members")
        if "members" in self.fields and members is not None:
            count = len(members)
            if kind == CalendarKind.PERSONAL and count != 1:
                self.add_error("members", "A personal calendar has exactly one host.")
            elif kind == CalendarKind.COLLECTIVE and count < 2:
                self.add_error("members", "A collective calendar needs at least two members.")
        session_type = data.get("session_type")
        if (
            session_type
            and session_type.is_online
            and session_type.default_provider == Provider.CUSTOM
            and not data.get("custom_meeting_url")
        ):
            self.add_error(
                "custom_meeting_url", f"{session_type.name} sessions use a custom link: enter it here."
            )
        return data

    def save_for(self, actor: Member) -> Calendar | None:
        creating = self.instance.pk is None
        calendar = self.save(commit=False)
        calendar.org = self.org
        if creating and "kind" not in self.fields:
            calendar.kind = CalendarKind.PERSONAL
        if not calendar.slug:
            calendar.slug = unique_slug(self.org, calendar.name)
        try:
            with transaction.atomic():
                calendar.save()
                if "members" in self.fields:
                    calendar.members.set(self.cleaned_data["members"])
                elif creating:
                    calendar.members.set([actor])
                action = "calendar.created" if creating else "calendar.updated"
                audit.record(self.org, actor, action, calendar, fields=sorted(self.changed_data))
        except IntegrityError:
            if creating:
                calendar.pk = None
            self.add_error("slug", "Another calendar already uses this web address.")
            return None
        return calendar


def _between(low: int, high: int):
    def check(value: int) -> None:
        if value is not None and not low <= value <= high:
            raise forms.ValidationError(f"Enter a number from {low} to {high}.")

    return check


def unique_slug(org: Organization, name: str) -> str:
    base = slugify(name)[:50] or "calendar"
    taken = set(Calendar.objects.filter(org=org, slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
