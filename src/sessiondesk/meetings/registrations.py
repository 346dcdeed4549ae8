"""Each client's own join link (a provider's meeting registration), as the rest of SessionDesk reads it.

``Registration`` rows are written by the worker (``MeetingProvider.sync_registrations``); pages,
emails, invites and the API read them through this module and never see another client's link.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from sessiondesk.meetings import desired
from sessiondesk.meetings.models import Registration, RegistrationState
from sessiondesk.scheduling.models import Client, Session


def registration_for(session_id: int, registrant_id: str) -> Client | None:
    """The client a provider's registrant id belongs to in this session, or None (a guest)."""
    if not registrant_id:
        return None
    found = (
        Registration.objects.filter(session_id=session_id, registrant_id=registrant_id)
        .select_related("client")
        .first()
    )
    return found.client if found is not None else None


@dataclass(frozen=True)
class PersonalLink:
    """What a client gets instead of the shared link: ``url`` (theirs alone), or ``coming``: their
    registration is under way, so they get no link yet rather than one that would not admit them."""

    url: str = ""
    coming: bool = False


def personal_links(sessions: list[Session], client: Client) -> dict[int, PersonalLink]:
    """For each session where ``client`` does not use the shared link, what they get instead.

    A session uses personal links once any of its registrations is pending or registered; a client
    without a row there yet (just added) is still to be registered."""
    rows = list(
        Registration.objects.filter(session__in=sessions).values_list(
            "session_id", "client_id", "state", "join_url"
        )
    )
    personal = {
        sid for sid, _, state, _ in rows if state in (RegistrationState.PENDING, RegistrationState.REGISTERED)
    }
    mine = {sid: (state, url) for sid, cid, state, url in rows if cid == client.pk}
    links: dict[int, PersonalLink] = {}
    for session in sessions:
        state, url = mine.get(session.pk, ("", ""))
        if state == RegistrationState.REGISTERED and url:
            links[session.pk] = PersonalLink(url=url)
        elif state == RegistrationState.PENDING or (
            session.pk in personal and state != RegistrationState.SHARED
        ):
            links[session.pk] = PersonalLink(coming=True)
    return links


@dataclass(frozen=True)
class AttendeeLink:
    """One line of the staff card: a client and the state of their link."""

    name: str
    state: str  # registered, pending, shared, cancelled
    label: str
    reason: str = ""


def attendee_links(session: Session) -> list[AttendeeLink]:
    """The link state of each client of the session (none when no registration was ever tried)."""
    rows = {row.client_id: row for row in Registration.objects.filter(session=session)}
    clients = list(session.clients.all())  # read either way: a page makes as many queries for any session
    if not rows:
        return []
    lines = []
    for who in clients:
        row = rows.get(who.pk)
        if row is None:
            lines.append(AttendeeLink(who.name, RegistrationState.PENDING, RegistrationState.PENDING.label))
            continue
        lines.append(AttendeeLink(who.name, row.state, RegistrationState(row.state).label, row.reason))
    return lines


def retry_shared(sessions: QuerySet[Session]) -> int:
    """Look again at the sessions among ``sessions`` whose clients share one link (a reconnect may
    have granted what personal links need); call in the transaction that made the change."""
    shared = Registration.objects.filter(session__in=sessions, state=RegistrationState.SHARED)
    again = Session.objects.filter(pk__in=shared.values("session_id"))
    count = 0
    for session in again:
        desired.session_changed(session)
        count += 1
    return count
