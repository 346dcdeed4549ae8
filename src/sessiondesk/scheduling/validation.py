"""Checks shared by the booking flows; each raises InvalidBooking with the message a person sees."""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib.zones import is_known_zone
from sessiondesk.scheduling.errors import InvalidBooking
from sessiondesk.scheduling.models import Calendar, Client, Provider, SessionType

MAX_SESSION = dt.timedelta(hours=12)


def check_times(start: dt.datetime, end: dt.datetime, *, allow_past: bool = False) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise InvalidBooking("Times must include a time zone or UTC offset.", "start")
    if end <= start:
        raise InvalidBooking("The end must be after the start.", "end")
    if end - start > MAX_SESSION:
        raise InvalidBooking("A session can last at most 12 hours.", "end")
    if not allow_past and start < timezone.now():
        raise InvalidBooking("That time is in the past; pick a time from now on.", "start")


def check_host(org: Organization, member: Member) -> None:
    if member.org_id != org.pk or not member.is_active:
        raise InvalidBooking("That consultant is not a member of this organisation.", "consultant")
    if not member.hosts_sessions:
        raise InvalidBooking(f"{member.name} is staff and cannot host sessions.", "consultant")


def check_members(org: Organization, members: Iterable[Member], field: str = "co_hosts") -> None:
    for member in members:
        if member.org_id != org.pk or not member.is_active:
            raise InvalidBooking("Everyone on a session must be a member of this organisation.", field)


def check_clients(org: Organization, clients: Iterable[Client]) -> None:
    for client in clients:
        if client.org_id != org.pk:
            raise InvalidBooking("That client does not belong to this organisation.", "clients")


def check_related(org: Organization, session_type: SessionType, calendar: Calendar | None) -> None:
    if session_type.org_id != org.pk:
        raise InvalidBooking("Unknown session type.", "session_type")
    if calendar is not None and calendar.org_id != org.pk:
        raise InvalidBooking("Unknown calendar.", "calendar")


def check_meeting(is_online: bool, provider: str, custom_url: str) -> None:
    if provider not in Provider.values:
        raise InvalidBooking(f"Unknown meeting provider {provider!r}.", "provider")
    if not is_online and provider != Provider.NONE:
        raise InvalidBooking(
            "An in-person session has no online meeting; choose 'No online meeting'.", "provider"
        )
    if provider == Provider.CUSTOM and not custom_url:
        raise InvalidBooking("A custom meeting link needs its URL.", "custom_meeting_url")
    if custom_url and not custom_url.startswith(("https://", "http://")):
        raise InvalidBooking("The meeting link must start with https://.", "custom_meeting_url")


def validate_client_timezone(name: str) -> None:
    if not is_known_zone(name):
        raise InvalidBooking(f"Unknown time zone {name!r}.", "timezone")
