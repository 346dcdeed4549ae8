"""Request and response shapes of the JSON API.

Inputs forbid unknown fields (a typo is an error, not a silent no-op), bound every string, and
reject NUL characters, which PostgreSQL cannot store.
"""

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, StringConstraints

from sessiondesk.lib.digits import MAX_ID
from sessiondesk.scheduling.models import CalendarKind, Provider, SessionStatus


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text must not contain NUL characters.")
    return value


def _plausible(value: dt.datetime) -> dt.datetime:
    # Far-off years overflow when converted between zones; no session is booked there anyway.
    if not 2000 <= value.year <= 2100:
        raise ValueError("Use a date between the years 2000 and 2100.")
    return value.astimezone(dt.UTC)


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_nul)
]
Line = Annotated[str, StringConstraints(max_length=300), AfterValidator(_no_nul)]
LongText = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_no_nul)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_nul)]
Slug = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60), AfterValidator(_no_nul)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254), AfterValidator(_no_nul)
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), AfterValidator(_no_nul)]
TimeZoneName = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_no_nul)
]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
Scope = Literal["this", "following"]
Minutes = Annotated[int, Field(ge=0, le=60 * 24 * 7)]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


# Shared pieces of responses.


class Ref(Schema):
    id: int
    name: str


class Person(Ref):
    email: str


class FieldError(Schema):
    field: str | None
    message: str


class Error(Schema):
    detail: str
    field: str | None = None
    errors: list[FieldError] | None = Field(None, description="Every problem found (422 only).")


# Sessions.


class Meeting(Schema):
    """What a person may see of a session's online meeting: never the host's start URL or keys."""

    provider: str
    state: str
    join_url: str
    passcode: str
    host_label: str
    remedy: str


class SessionOut(Schema):
    id: int
    title: str
    agenda: str
    status: SessionStatus
    start: dt.datetime
    end: dt.datetime
    session_type: Ref
    calendar: Ref | None
    consultant: Person
    co_hosts: list[Person]
    clients: list[Person]
    is_online: bool
    location: str
    provider: str
    custom_meeting_url: str
    booked_by: Ref | None
    booked_via: str
    series_id: int | None
    series_index: int | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    meeting: Meeting | None
    outcome: str = Field(
        description='What happened: "" (not known yet), in_progress, completed, client_no_show, '
        "consultant_no_show or did_not_take_place."
    )


class RepeatIn(Input):
    every_weeks: Annotated[int, Field(ge=1, le=12)] = 1
    count: Annotated[int, Field(ge=1, le=104)] | None = None
    until: dt.date | None = None


class SessionIn(Input):
    title: Name
    session_type: Id
    consultant: Id
    start: Moment
    end: Moment
    clients: list[Id] = Field(default_factory=list, max_length=50)
    co_hosts: list[Id] = Field(default_factory=list, max_length=20)
    is_online: bool = True
    provider: Provider | None = None
    custom_meeting_url: Url = ""
    location: Line = ""
    agenda: LongText = ""
    calendar: Id | None = None
    repeat: RepeatIn | None = None


class SessionPatch(Input):
    title: Name | None = None
    agenda: LongText | None = None
    session_type: Id | None = None
    consultant: Id | None = None
    clients: list[Id] | None = Field(None, max_length=50)
    co_hosts: list[Id] | None = Field(None, max_length=20)
    is_online: bool | None = None
    provider: Provider | None = None
    custom_meeting_url: Url | None = None
    location: Line | None = None
    scope: Scope = "this"


class RescheduleIn(Input):
    start: Moment
    end: Moment | None = None
    scope: Scope = "this"


class CancelIn(Input):
    reason: Line = ""
    scope: Scope = "this"


class SessionPage(Schema):
    items: list[SessionOut]
    limit: int
    offset: int
    next_cursor: str | None = Field(description="Pass as ``cursor`` for the next page; null on the last.")
    count: int | None = Field(description="Every matching row, when asked with ``count=true``; else null.")


# Calendars.


class CalendarOut(Schema):
    id: int
    name: str
    slug: str
    kind: CalendarKind
    members: list[Person]
    session_type: Ref
    description: str
    is_public: bool
    custom_meeting_url: str
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_minutes: int
    max_days_ahead: int
    slot_interval_minutes: int


class CalendarRules(Input):
    description: LongText = ""
    is_public: bool = True
    custom_meeting_url: Url = ""
    buffer_before_minutes: Minutes = 0
    buffer_after_minutes: Minutes = 0
    min_notice_minutes: Minutes = 240
    max_days_ahead: Annotated[int, Field(ge=1, le=730)] = 60
    slot_interval_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = 30


class CalendarIn(CalendarRules):
    name: Name
    slug: Slug = ""
    kind: CalendarKind = CalendarKind.PERSONAL
    members: list[Id] | None = Field(
        None, max_length=100, description="Member ids; a consultant's own by default."
    )
    session_type: Id


class CalendarPatch(Input):
    name: Name | None = None
    slug: Slug | None = None
    kind: CalendarKind | None = None
    members: list[Id] | None = Field(None, max_length=100)
    session_type: Id | None = None
    description: LongText | None = None
    is_public: bool | None = None
    custom_meeting_url: Url | None = None
    buffer_before_minutes: Minutes | None = None
    buffer_after_minutes: Minutes | None = None
    min_notice_minutes: Minutes | None = None
    max_days_ahead: Annotated[int, Field(ge=1, le=730)] | None = None
    slot_interval_minutes: Annotated[int, Field(ge=5, le=24 * 60)] | None = None


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    members: list[Ref]


class SlotList(Schema):
    calendar: Ref
    timezone: str
    slots: list[SlotOut]


# Clients.


class ClientOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    timezone: str
    notes: str


class ClientIn(Input):
    name: Name
    email: Email
    phone: Phone = ""
    timezone: TimeZoneName | None = None
    notes: LongText = ""


class ClientPatch(Input):
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    timezone: TimeZoneName | None = None
    notes: LongText | None = None


class ClientPage(Schema):
    items: list[ClientOut]
    limit: int
    offset: int
    next_cursor: str | None = Field(description="Pass as ``cursor`` for the next page; null on the last.")
    count: int | None = Field(description="Every matching row, when asked with ``count=true``; else null.")


# The organisation.


class MemberOut(Person):
    role: str
    timezone: str


class SessionTypeOut(Schema):
    id: int
    name: str
    duration_minutes: int
    is_online: bool
    default_provider: str


class Me(Schema):
    member: MemberOut
    organization: Ref


class AttendeeOut(Schema):
    kind: str = Field(description="client, host (the consultant or a co-host) or guest")
    client: Ref | None
    member: Ref | None
    name: str
    email: str
    joined_at: dt.datetime | None
    left_at: dt.datetime | None
    seconds_present: int = Field(
        description="Over all of the person's stays (rejoins), overlaps counted once."
    )
    late_seconds: int = Field(description="How long after the scheduled start the person first joined.")
    in_meeting: bool
    source: str = Field(description="webhook (live events), report (the provider's report) or staff")
    corrected: bool


class AttendanceOut(Schema):
    session_id: int
    outcome: str
    outcome_corrected: bool
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    report_state: str = Field(description='"" (not needed yet), due, done or unavailable')
    attendees: list[AttendeeOut]
