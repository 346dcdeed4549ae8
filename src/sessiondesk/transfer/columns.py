"""Which column of a file holds which field: matched by name, with the aliases of common exports.

A header is compared in a normal form (lower case, letters and digits only), so “Invitee Email”,
``invitee_email`` and ``inviteeEmail`` are the same column.

Where the aliases come from:
- A spreadsheet's own headers: the field's name and its label in SessionDesk, and the obvious synonyms.
- Calendly: the fields of a scheduled event (``uri``, ``name`` of the event type, ``start_time``,
  ``end_time``, ``location``, ``status``) and of an invitee (``name``, ``email``, ``timezone``,
  ``text_reminder_number``) in Calendly's API reference
  (https://developer.calendly.com, Scheduled Events and Invitees; the invitee schema is also at
  https://schemas.apis.io/schemas/calendly/calendly-invitee/), and the invitee columns
  of its reports as exported (``invitee_name``, ``invitee_email``, ``invitee_timezone``:
  https://docs.coupler.io/sources/category/sales/calendly/data-overview). No documented column list of
  the CSV that Calendly's dashboard exports could be found; docs/import-export.md says so.
- Cal.com: the fields of a booking (``uid``, ``title``, ``description``, ``startTime``, ``endTime``,
  ``location``, ``status``) and of an attendee (``name``, ``email``, ``timeZone``) in Cal.com's
  booking model (``model Booking`` in its ``schema.prisma``, as documented at
  https://www.mintlify.com/calcom/cal.com/features/bookings). No documented column list of
  a Cal.com bookings CSV could be found either.
"""

import re
from dataclasses import dataclass

CLIENTS, MEMBERS, SESSIONS = "clients", "members", "sessions"
KINDS = (CLIENTS, MEMBERS, SESSIONS)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


FIELDS: dict[str, tuple[Field, ...]] = {
    CLIENTS: (
        Field(
            "name",
            "Name",
            (
                "full name",
                "client",
                "client name",
                "student",
                "invitee name",
                "attendee name",
                "contact name",
            ),
            required=True,
        ),
        Field("first_name", "First name", ("first", "given name", "invitee first name")),
        Field("last_name", "Last name", ("last", "surname", "family name", "invitee last name")),
        Field(
            "email",
            "Email",
            ("e-mail", "email address", "client email", "invitee email", "attendee email", "mail"),
            required=True,
        ),
        Field("phone", "Phone", ("phone number", "telephone", "mobile", "text reminder number")),
        Field(
            "timezone",
            "Time zone",
            (
                "time zone",
                "tz",
                "invitee timezone",
                "invitee time zone",
                "attendee timezone",
                "attendee time zone",
            ),
        ),
        Field("notes", "Notes", ("note", "comments", "comment")),
    ),
    MEMBERS: (
        Field("name", "Name", ("full name", "tutor", "consultant", "member", "user name"), required=True),
        Field("email", "Email", ("e-mail", "email address", "user email", "member email"), required=True),
        Field("role", "Role", ("organization role", "organisation role", "access")),
        Field("timezone", "Time zone", ("time zone", "tz")),
    ),
    SESSIONS: (
        Field(
            "external_id",
            "External id",
            ("id", "uid", "uri", "booking id", "booking uid", "event id", "event uri", "reference", "ref"),
        ),
        Field("title", "Title", ("subject", "session", "session title", "event name", "meeting name")),
        Field(
            "session_type",
            "Session type",
            ("type", "event type", "event type name", "name", "service", "lesson type"),
        ),
        Field(
            "consultant",
            "Consultant email",
            (
                "consultant",
                "tutor",
                "tutor email",
                "host",
                "host email",
                "organizer",
                "organizer email",
                "user email",
                "assigned to",
                "member email",
            ),
            required=True,
        ),
        Field(
            "clients",
            "Client emails",
            (
                "client",
                "client email",
                "clients",
                "student email",
                "student",
                "invitee email",
                "attendee email",
                "attendees",
                "email",
            ),
        ),
        Field(
            "start",
            "Start",
            (
                "start time",
                "start date time",
                "start date & time",
                "starts at",
                "start_time",
                "starttime",
                "begin",
            ),
            required=True,
        ),
        Field("date", "Date", ("day", "start date")),
        Field("time", "Time", ("start hour", "at")),
        Field("end", "End", ("end time", "end date time", "end date & time", "ends at", "endtime")),
        Field("duration", "Duration (minutes)", ("duration minutes", "minutes", "length", "event duration")),
        Field("timezone", "Time zone of the times", ("time zone", "tz")),
        Field("where", "Online or in person", ("online", "mode", "format")),
        Field("location", "Place", ("place", "room", "address", "location")),
        Field("meeting_url", "Meeting link", ("meeting url", "join url", "video link", "custom meeting url")),
        Field("provider", "Online meeting", ("meeting provider", "conferencing")),
        Field(
            "repeat_count",
            "Weekly sessions in all",
            ("repeat", "repeat count", "occurrences", "weeks", "number of sessions"),
        ),
        Field("every_weeks", "Every … weeks", ("repeat every weeks", "interval")),
        Field("agenda", "Agenda", ("description", "notes", "note", "additional notes")),
        Field("status", "Status", ("event status", "booking status", "state")),
    ),
}


def normal(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def fields(kind: str) -> tuple[Field, ...]:
    return FIELDS[kind]


def match(kind: str, headers: list[str]) -> dict[str, str]:
    """Field name -> the header holding it, for every field some header names. A header is used once:
    the field's own name wins over an alias (``email`` of a sessions file is the client's, unless a
    ``client email`` column exists)."""
    by_normal: dict[str, str] = {}
    for header in headers:
        by_normal.setdefault(normal(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for pass_aliases in (False, True):
        for field in FIELDS[kind]:
            if field.name in mapping:
                continue
            names = field.aliases if pass_aliases else (field.name, field.label)
            for name in names:
                found = by_normal.get(normal(name))
                if found is not None and found not in used:
                    mapping[field.name] = found
                    used.add(found)
                    break
    return mapping


def missing(kind: str, mapping: dict[str, str]) -> list[str]:
    """Labels of required fields no column holds (a start may also be a date and a time column)."""
    absent = []
    for field in FIELDS[kind]:
        if field.required and not mapping.get(field.name):
            if field.name == "start" and mapping.get("date") and mapping.get("time"):
                continue
            if field.name == "name" and mapping.get("first_name"):
                continue
            absent.append(field.label)
    return absent
