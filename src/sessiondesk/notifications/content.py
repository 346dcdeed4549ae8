"""What a session email says: subject, bodies and the facts it shows, for one recipient."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string

from sessiondesk.accounts.models import Member
from sessiondesk.meetings import reads, registrations
from sessiondesk.meetings.models import LinkState, MeetingLink, WaitReason
from sessiondesk.scheduling import links
from sessiondesk.scheduling.models import Client, Provider, Session, SessionStatus

SUBJECT_PREFIX = {
    "booked": "Confirmed",
    "rescheduled": "Rescheduled",
    "updated": "Updated",
    "cancelled": "Cancelled",
}


# What strftime's %a and %b give in the C locale, the one a Python process runs in. Read from tables:
# strftime on an aware time costs several times the rest of formatting it, and every booking formats a
# few for its emails (docs/performance.md, seventeenth round).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_when(moment: dt.datetime, tz_name: str) -> str:
    """'Tue 3 Dec, 4:00 PM (EST)' in the given time zone."""
    local = moment.astimezone(zoneinfo.ZoneInfo(tz_name))
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}, {_clock(local)} ({local.tzname()})"
    )


def format_time(moment: dt.datetime, tz_name: str) -> str:
    """'4:00 PM' in the given time zone."""
    return _clock(moment.astimezone(zoneinfo.ZoneInfo(tz_name)))


def _clock(local: dt.datetime) -> str:
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'PM' if local.hour >= 12 else 'AM'}"


def join_urls(sessions: list[Session], client: Client | None = None) -> dict[int, str]:
    """The link attendees use to join each session ("" when there is none, or none yet). For a
    ``client``: their own link where they have one, and none while it is being made."""
    active = {
        session_id: url
        for session_id, provider, url in reads.active_join_urls([s.pk for s in sessions])
        if provider == _provider(sessions, session_id)
    }
    urls = {}
    for session in sessions:
        url = active.get(session.pk, "")
        if not url and session.provider == Provider.CUSTOM:
            url = session.custom_meeting_url
        urls[session.pk] = url if _wants_link(session) else ""
    if client is not None:
        wanting = {s.pk for s in sessions if _wants_link(s)}
        for pk, personal in registrations.personal_links(sessions, client).items():
            urls[pk] = personal.url if pk in wanting else ""
    return urls


def _provider(sessions: list[Session], pk: int) -> str:
    return next(s.provider for s in sessions if s.pk == pk)


def _wants_link(session: Session) -> bool:
    return session.is_online and session.provider != Provider.NONE


def join_url(session: Session, client: Client | None = None) -> str:
    return join_urls([session], client)[session.pk]


def link_expected(sessions: list[Session], client: Client | None = None, *, soon: bool = False) -> bool:
    """Some of these sessions will have a join link that a provider is still creating (for a
    ``client``: or their own link, still being registered). ``soon``: only a link being made now,
    which an email may wait for; not one planned for when its session comes within the horizon (a
    later occurrence of a series), weeks ahead."""
    waiting = [s for s in sessions if _wants_link(s) and not s.is_cancelled]
    if not waiting:
        return False
    if client is not None and any(p.coming for p in registrations.personal_links(waiting, client).values()):
        return True
    urls = join_urls(waiting)
    links = {
        link.session_id: link
        for link in MeetingLink.objects.filter(session__in=waiting)
        if link.provider == _provider(waiting, link.session_id)
    }
    for session in waiting:
        link = links.get(session.pk)
        if not urls[session.pk] and (link is None or _coming(link, soon)):
            return True
    return False


def _coming(link: MeetingLink, soon: bool) -> bool:
    if link.state == LinkState.WAITING:
        return not (soon and link.waiting_for == WaitReason.HORIZON)
    return link.state == LinkState.PENDING


@dataclass(frozen=True)
class People:
    """A session's clients and hosts (the consultant, then the co-hosts in the order the booking page
    names them): read from a saved session (``of``), or given for one not saved yet."""

    clients: list[Client]
    hosts: list[Member]

    @classmethod
    def of(cls, session: Session) -> "People":
        return cls(list(session.clients.all()), session.hosts())

    @classmethod
    def booked(cls, consultant: Member, co_hosts: list[Member], clients: list[Client]) -> "People":
        """The people of a session about to be saved with these hosts and clients, as ``of`` will
        read them once it is."""
        others = sorted((m for m in co_hosts if m.pk != consultant.pk), key=lambda m: m.pk)
        return cls(list(clients), [consultant, *others])


def hosts_phrase(session: Session) -> str:
    """Every host of the session: "Carla", "Carla and Dev", "Carla, Olivia and Dev"."""
    return _and([m.name for m in session.hosts()])


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _other_party(people: People, recipient: Client | Member) -> str:
    """Who the recipient meets: every host for a client, the clients for a host; for a host of a
    session without clients, the other hosts, and nobody ("") when there are none."""
    if isinstance(recipient, Client):
        return _and([m.name for m in people.hosts])
    names = [c.name for c in people.clients]
    if not names:
        return _and([m.name for m in people.hosts if m.pk != recipient.pk])
    return ", ".join(names)


def _with(who: str) -> str:
    return f" with {who}" if who else ""


def subject(
    session: Session, kind: str, recipient: Client | Member, people: People | None = None, together: int = 0
) -> str:
    """``people``: the session's, when it is not saved yet (read from it otherwise). ``together``:
    how many sessions' join links the email gives, from ``session``'s on (none: ``session``'s only)."""
    when = format_when(session.start, recipient.timezone)
    what = session.title + _with(_other_party(people or People.of(session), recipient))
    prefix = SUBJECT_PREFIX[kind]
    if together > 1:
        return f"{prefix}: {what}, join links for {together} sessions from {when}"
    if kind == "booked" and session.series_id:
        return f"{prefix}: {what}, {_repeat_phrase(session)} from {when}"
    if kind == "rescheduled":
        return f"{prefix}: {what}, now on {when}"
    return f"{prefix}: {what} on {when}"


def _repeat_phrase(session: Session) -> str:
    every = session.series.every_weeks if session.series else 1
    return "weekly" if every == 1 else f"every {every} weeks"


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    shown: dict = field(default_factory=dict)  # the facts the email showed, to spot what is new later


def render(
    session: Session,
    kind: str,
    recipient: Client | Member,
    context: dict,
    together: list[Session] | None = None,
) -> Rendered:
    """Render for ``recipient``; a series' "booked" email covers its scheduled occurrences.
    ``together``: the sessions (``session`` first; a series' or the same host's, with the same title
    and people) whose join links this "updated" email gives at once."""
    tz_name = recipient.timezone
    # The attendees and hosts are read for the headline, the subject and the "With" line: once.
    prefetch_related_objects([session], "clients", "co_hosts__user")
    occurrences = _occurrences(session) if kind == "booked" and session.series_id else together or []
    client = recipient if isinstance(recipient, Client) else None
    urls = join_urls(occurrences or [session], client)
    url = urls[session.pk]
    previous = context.get("previous_start")
    other_party = _other_party(People.of(session), recipient)
    coming = not url and link_expected([session], client)

    def change_link(s: Session) -> str:
        """A client changes a session from its own link: the session's, or each of the list's."""
        return links.manage_url(s, client) if client is not None and kind != "cancelled" else ""

    ctx = {
        "kind": kind,
        "event": "links_ready" if together else context.get("event", kind),
        "session": session,
        "recipient": recipient,
        "is_client": client is not None,
        "other_party": other_party,
        "with_other_party": _with(other_party),
        # A host hears who booked only when clients did (or were booked for them).
        "clients_booked": client is None and bool(session.clients.all()),
        "when": format_when(session.start, tz_name),
        "ends": format_time(session.end, tz_name),
        "tz_name": tz_name,
        "previous_when": format_when(dt.datetime.fromisoformat(previous), tz_name) if previous else "",
        "join_url": url,
        "link_coming": coming,
        # Online, but nobody can make its link now (its host has no Zoom, or making it failed): said,
        # without a promise.
        "link_missing": not url and not coming and _wants_link(session),
        "location": session.location if not url else "",
        "manage_url": "" if occurrences else change_link(session),
        "portal_url": links.portal_url(client) if client else "",
        "repeat": _list_heading(session, occurrences, together),
        # Every session of the list with its own links, the first too (also on the Join line), so a
        # reader looking for a session's link in the list finds it there; a client can change each.
        "occurrences": [
            {
                "when": format_when(s.start, tz_name),
                "join_url": urls[s.pk],
                "manage_url": change_link(s),
            }
            for s in occurrences
        ],
        "org": session.org,
    }
    return Rendered(
        subject=subject(session, kind, recipient, together=len(together or [])),
        text=render_to_string("notifications/email/session.txt", ctx),
        html=render_to_string("notifications/email/session.html", ctx),
        shown={
            "start": session.start.isoformat(),
            "end": session.end.isoformat(),
            "title": session.title,
            "join_url": url,
            "join_urls": {str(pk): u for pk, u in urls.items()},
            "location": session.location,
            "with": other_party,
            "agenda": session.agenda,
            "status": session.status,
        },
    )


def _list_heading(session: Session, occurrences: list[Session], together: list[Session] | None) -> str:
    """The line above the list of sessions, if the email has one."""
    if together:
        return "Each of these sessions has its own join link:"
    return _repeat_description(session) if occurrences else ""


def _occurrences(session: Session) -> list[Session]:
    series = Session.objects.filter(series=session.series, status=SessionStatus.SCHEDULED)
    return list(series.order_by("start"))


def _repeat_description(session: Session) -> str:
    series = session.series
    if series is None:
        return ""
    every = "every week" if series.every_weeks == 1 else f"every {series.every_weeks} weeks"
    if series.count:
        return f"Repeats {every}, {series.count} sessions in all."
    if series.until:
        return f"Repeats {every} until {series.until.day} {series.until:%b %Y}."
    return f"Repeats {every}."
