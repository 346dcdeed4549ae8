"""Forms for the staff and consultant session pages.

Times are typed as a date and a wall-clock time in the viewer's own time zone and leave these forms
as aware UTC datetimes; the booking flows in ``scheduling.actions`` do every business check.
"""

import datetime as dt
import zoneinfo
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.accounts.pickers import chosen_members
from sessiondesk.lib.picker import ManyRows, Picker
from sessiondesk.meetings import providers
from sessiondesk.scheduling import availability, pickers
from sessiondesk.scheduling.actions import FOLLOWING, THIS, SessionChanges, SessionDraft
from sessiondesk.scheduling.errors import BookingError, SlotTaken
from sessiondesk.scheduling.models import Client, Provider, Session, SessionType
from sessiondesk.scheduling.recurrence import Repeat, localize

ONLINE, IN_PERSON = "online", "in_person"
WHERE_CHOICES = [(ONLINE, "Online"), (IN_PERSON, "In person")]
SCOPE_CHOICES = [(THIS, "This session only"), (FOLLOWING, "This and all following sessions")]
MAX_MINUTES = 12 * 60
# What date and time inputs send; no locale formats, so 03/04 is never read as a guess.
DATE_FORMATS = ["%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def host_choices(org: Organization, viewer: Member) -> Any:
    """Who may be picked as consultant: yourself as a consultant, any host as staff or admin."""
    return pickers.hosts(viewer).filter(org=org).order_by("user__name")


def pick_clients(form: forms.Form, name: str, member: Member, *, new: bool = False) -> None:
    """Connect a client picker: chosen ids shown from the organisation, matches as ``member`` sees them."""
    org_clients = Client.objects.filter(org_id=member.org_id)
    cast(Picker, form.fields[name].widget).connect(
        search_url=reverse("pick_clients"),
        new_url=reverse("pick_client_new") if new else "",
        chosen=lambda ids: pickers.chosen_clients(org_clients, ids),
        find=lambda text: pickers.find_clients(member, text),
        data=form.data if form.is_bound else form.initial,
        name=name,
    )


def pick_hosts(form: forms.Form, name: str, member: Member, hosts: QuerySet[Member]) -> None:
    cast(Picker, form.fields[name].widget).connect(
        search_url=reverse("pick_hosts"),
        chosen=lambda ids: chosen_members(hosts, ids),
        find=lambda text: pickers.find_hosts(member, text),
        data=form.data if form.is_bound else form.initial,
        name=name,
    )


def local_start(date: dt.date, time: dt.time, tz_name: str) -> dt.datetime:
    """A date and wall-clock time in ``tz_name`` as UTC (a time skipped by DST moves forward)."""
    naive = dt.datetime.combine(date, time.replace(second=0, microsecond=0))
    return localize(naive, zoneinfo.ZoneInfo(tz_name)).astimezone(dt.UTC)


def limit(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Narrow a choice field to the viewer's organisation."""
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.name


class SessionTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SessionType) -> str:
        return f"{obj.name} ({obj.duration_minutes} min)"


class ClientsField(ManyRows):
    default_error_messages = {
        "invalid_choice": "That client is not one of this organisation's clients.",
        "invalid_pk_value": "That client is not one of this organisation's clients.",
    }


class BookingFormMixin:
    """Shows a ``BookingError`` on the field it names, or above the form."""

    # BookingError.field names the flow's field; the form may call it something else.
    FIELD_NAMES = {"start": "start_time", "end": "duration_minutes", "co_hosts": None, "calendar": None}

    def add_booking_error(self, error: BookingError) -> None:
        # A clash is about the whole booking, not one field: say it at the top of the form.
        name = None if isinstance(error, SlotTaken) else self.FIELD_NAMES.get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)  # type: ignore[attr-defined]


class HoursMixin(forms.Form):
    """A time outside the host's working hours is asked about, not refused: a coordinator may know
    better. The box to keep it is shown only once the question has come up."""

    outside_hours = forms.BooleanField(required=False, label="Keep this time, outside their working hours")
    asks_outside_hours = False

    def check_hours(self, host: Member, start: dt.datetime, end: dt.datetime, tz_name: str) -> None:
        if not availability.outside_hours(host, start, end):
            return
        self.asks_outside_hours = True
        if not self.cleaned_data.get("outside_hours"):
            words = availability.outside_hours_words(host, start, end, zoneinfo.ZoneInfo(tz_name))
            self.add_error(
                None, f"{words} Pick another time, or tick “{self.fields['outside_hours'].label}”."
            )


class MeetingFieldsMixin(forms.Form):
    where = forms.ChoiceField(
        choices=WHERE_CHOICES, widget=forms.RadioSelect, initial=ONLINE, label="The session is"
    )
    provider = forms.ChoiceField(label="Online meeting", initial=Provider.NONE)
    custom_meeting_url = forms.URLField(
        required=False,
        label="Meeting link",
        assume_scheme="https",
        help_text="Only for “Custom link”: the address attendees open to join.",
    )
    location = forms.CharField(
        required=False, max_length=300, help_text="An address or room, for sessions in person."
    )

    def clean_meeting(self, data: dict[str, Any]) -> None:
        if data.get("where") == IN_PERSON:
            data["provider"] = Provider.NONE
        if data.get("provider") != Provider.CUSTOM:
            data["custom_meeting_url"] = ""


class SessionForm(BookingFormMixin, HoursMixin, MeetingFieldsMixin):
    title = forms.CharField(max_length=200)
    session_type = SessionTypeField(queryset=SessionType.objects.none(), empty_label=None)
    consultant = MemberChoiceField(
        queryset=Member.objects.none(),
        empty_label=None,
        widget=Picker(multiple=False, noun="consultant"),
        error_messages={"required": "Pick the consultant who hosts it."},
    )
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=DATE_FORMATS
    )
    start_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), input_formats=TIME_FORMATS
    )
    duration_minutes = forms.IntegerField(
        required=False,
        min_value=5,
        max_value=MAX_MINUTES,
        label="Length in minutes",
        help_text="Leave empty to use the session type's length.",
    )
    clients = ClientsField(
        queryset=Client.objects.none(),
        required=False,
        widget=Picker(multiple=True, noun="client"),
        label="Clients attending",
    )
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    repeat = forms.BooleanField(required=False, label="Make this a weekly series")
    every_weeks = forms.IntegerField(
        required=False, min_value=1, max_value=12, initial=1, label="Every … weeks"
    )
    repeat_ends = forms.ChoiceField(
        required=False,
        initial="count",
        widget=forms.RadioSelect,
        label="Ends",
        choices=[("count", "After a number of sessions"), ("until", "On a date")],
    )
    count = forms.IntegerField(required=False, min_value=1, label="Number of sessions", initial=10)
    until = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Last date",
    )

    field_order = ["title", "session_type", "consultant", "date", "start_time", "duration_minutes", "clients"]

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        org = member.org
        limit(self, "session_type", SessionType.objects.filter(org=org))
        limit(self, "consultant", host_choices(org, member))
        limit(self, "clients", Client.objects.filter(org=org))
        pick_hosts(self, "consultant", member, host_choices(org, member))
        pick_clients(self, "clients", member, new=True)
        cast(forms.ChoiceField, self.fields["provider"]).choices = providers.offered(org)
        if member.hosts_sessions:
            self.fields["consultant"].initial = member.pk
        preference = providers.default_for(member)
        self.fields["provider"].initial = preference.provider
        self.fields["custom_meeting_url"].initial = preference.link

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.clean_meeting(data)
        if data.get("repeat"):
            if not data.get("every_weeks"):
                self.add_error("every_weeks", "Say how many weeks apart the sessions are.")
            if data.get("repeat_ends") == "until" and not data.get("until"):
                self.add_error("until", "Pick the date of the last session.")
            if data.get("repeat_ends") != "until" and not data.get("count"):
                self.add_error("count", "Say how many sessions the series has.")
        if not self.errors:  # a series is asked about its first session
            draft = self.draft()
            self.check_hours(draft.consultant, draft.start, draft.end, self.member.timezone)
        return data

    def start(self) -> dt.datetime:
        data = self.cleaned_data
        return local_start(data["date"], data["start_time"], self.member.timezone)

    def draft(self) -> SessionDraft:
        data = self.cleaned_data
        session_type = data["session_type"]
        start = self.start()
        minutes = data.get("duration_minutes") or session_type.duration_minutes
        return SessionDraft(
            title=data["title"],
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            session_type=session_type,
            consultant=data["consultant"],
            clients=list(data["clients"]),
            is_online=data["where"] == ONLINE,
            provider=data["provider"],
            custom_meeting_url=data["custom_meeting_url"],
            location=data["location"],
            agenda=data["agenda"],
        )

    def repeat_rule(self) -> Repeat | None:
        data = self.cleaned_data
        if not data.get("repeat"):
            return None
        if data.get("repeat_ends") == "until":
            return Repeat(every_weeks=data["every_weeks"], until=data["until"])
        return Repeat(every_weeks=data["every_weeks"], count=data["count"])


class ScopeMixin(forms.Form):
    scope = forms.ChoiceField(choices=SCOPE_CHOICES, initial=THIS, widget=forms.RadioSelect, label="Apply to")

    def drop_scope_unless_series(self, session: Session) -> None:
        if session.series_id is None:
            del self.fields["scope"]

    @property
    def chosen_scope(self) -> str:
        return self.cleaned_data.get("scope") or THIS


class EditSessionForm(BookingFormMixin, HoursMixin, ScopeMixin, MeetingFieldsMixin):
    title = forms.CharField(max_length=200)
    session_type = SessionTypeField(queryset=SessionType.objects.none(), empty_label=None)
    consultant = MemberChoiceField(
        queryset=Member.objects.none(),
        empty_label=None,
        widget=Picker(multiple=False, noun="consultant"),
        error_messages={"required": "Pick the consultant who hosts it."},
    )
    clients = ClientsField(
        queryset=Client.objects.none(),
        required=False,
        widget=Picker(multiple=True, noun="client"),
        label="Clients attending",
    )
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["title", "session_type", "consultant", "clients", "where", "provider"]

    def __init__(self, *args: Any, member: Member, session: Session, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_from(session))
        super().__init__(*args, **kwargs)
        org = member.org
        limit(self, "session_type", SessionType.objects.filter(org=org))
        # A consultant may keep a colleague as host (when co-hosting) but only ever pick themselves.
        hosts = Member.objects.filter(Q(pk__in=host_choices(org, member)) | Q(pk=session.consultant_id))
        limit(self, "consultant", hosts.select_related("user").order_by("user__name"))
        limit(self, "clients", Client.objects.filter(org=org))
        pick_hosts(self, "consultant", member, hosts)
        pick_clients(self, "clients", member, new=True)
        cast(forms.ChoiceField, self.fields["provider"]).choices = providers.offered(
            org, keep=session.provider
        )
        self.member = member
        self.session = session
        self.drop_scope_unless_series(session)

    @staticmethod
    def initial_from(session: Session) -> dict[str, Any]:
        return {
            "title": session.title,
            "session_type": session.session_type_id,
            "consultant": session.consultant_id,
            "clients": [c.pk for c in session.clients.all()],
            "where": ONLINE if session.is_online else IN_PERSON,
            "provider": session.provider,
            "custom_meeting_url": session.custom_meeting_url,
            "location": session.location,
            "agenda": session.agenda,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.clean_meeting(data)
        host = data.get("consultant")
        if not self.errors and host is not None and host.pk != self.session.consultant_id:
            self.check_hours(host, self.session.start, self.session.end, self.member.timezone)
        return data

    def changes(self) -> SessionChanges:
        data = self.cleaned_data
        return SessionChanges(
            title=data["title"],
            agenda=data["agenda"],
            session_type=data["session_type"],
            consultant=data["consultant"],
            clients=list(data["clients"]),
            is_online=data["where"] == ONLINE,
            provider=data["provider"],
            custom_meeting_url=data["custom_meeting_url"],
            location=data["location"],
        )


class RescheduleForm(BookingFormMixin, HoursMixin, ScopeMixin):
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=DATE_FORMATS
    )
    start_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), input_formats=TIME_FORMATS
    )
    duration_minutes = forms.IntegerField(min_value=5, max_value=MAX_MINUTES, label="Length in minutes")

    def __init__(self, *args: Any, member: Member, session: Session, **kwargs: Any) -> None:
        local = session.local_start(member.timezone)
        minutes = int(session.duration.total_seconds() // 60)
        kwargs.setdefault(
            "initial", {"date": local.date(), "start_time": local.time(), "duration_minutes": minutes}
        )
        super().__init__(*args, **kwargs)
        self.member = member
        self.session = session
        self.drop_scope_unless_series(session)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors:
            self.check_hours(self.session.consultant, self.start(), self.end(), self.member.timezone)
        return self.cleaned_data

    def start(self) -> dt.datetime:
        data = self.cleaned_data
        return local_start(data["date"], data["start_time"], self.member.timezone)

    def end(self) -> dt.datetime:
        return self.start() + dt.timedelta(minutes=self.cleaned_data["duration_minutes"])


class CancelForm(BookingFormMixin, ScopeMixin):
    reason = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; included in the cancellation email.",
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drop_scope_unless_series(session)


STATUS_FILTERS = [("scheduled", "Scheduled"), ("cancelled", "Cancelled"), ("all", "Any status")]


class SessionFilterForm(forms.Form):
    """The list's filters; with no dates it shows what is still to come."""

    consultant = MemberChoiceField(
        queryset=Member.objects.none(),
        required=False,
        widget=Picker(multiple=False, noun="consultant", empty_label="Everyone"),
    )
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        required=False,
        widget=Picker(multiple=False, noun="client", empty_label="Any client"),
    )
    status = forms.ChoiceField(choices=STATUS_FILTERS, required=False, initial="scheduled")
    start_date = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="From",
    )
    end_date = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="To",
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = member.org
        limit(self, "client", Client.objects.filter(org=org))
        pick_clients(self, "client", member)
        if member.manages_org:
            limit(self, "consultant", host_choices(org, member))
            pick_hosts(self, "consultant", member, host_choices(org, member))
        else:
            del self.fields["consultant"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The “To” date must be on or after the “From” date.")
        return data
