"""Who a meeting participant is: by registration first, then by email, the host to the consultant;
anyone else is a guest under the name they gave."""

from dataclasses import dataclass

from sessiondesk.accounts.models import Member
from sessiondesk.attendance.models import Kind
from sessiondesk.meetings.registrations import registration_for
from sessiondesk.scheduling.models import Client, Session


@dataclass(frozen=True)
class Seen:
    """A participant as the provider describes them."""

    participant: str  # the provider's id of the participant, the same over rejoins
    name: str
    email: str = ""
    registrant_id: str = ""
    is_host: bool = False


@dataclass(frozen=True)
class Person:
    key: str
    kind: str
    client_id: int | None = None
    member_id: int | None = None
    name: str = ""
    email: str = ""


def registered_client(session_id: int, registrant_id: str) -> Client | None:
    """The client a meeting registration belongs to (their personal link): the one place that reads
    registrations."""
    return registration_for(session_id, registrant_id)


@dataclass(frozen=True)
class Roster:
    """Who is expected at a session, read once for all the participants matched against it."""

    clients: list[Client]
    hosts: list[Member]


def roster(session: Session) -> Roster:
    cached: Roster | None = getattr(session, "_attendance_roster", None)
    if cached is None:
        cached = Roster(list(session.clients.all()), session.hosts())
        session._attendance_roster = cached  # type: ignore[attr-defined]
    return cached


def match(session: Session, seen: Seen) -> Person:
    email = seen.email.strip().lower()
    if seen.registrant_id:
        client = registered_client(session.pk, seen.registrant_id)
        if client is not None:
            return Person(
                f"client:{client.pk}", Kind.CLIENT, client_id=client.pk, name=client.name, email=client.email
            )
    people = roster(session)
    if email:
        for client in people.clients:
            if client.email.lower() == email:
                return Person(
                    f"client:{client.pk}",
                    Kind.CLIENT,
                    client_id=client.pk,
                    name=client.name,
                    email=client.email,
                )
    for member in people.hosts:
        if email and member.user.email.lower() == email:
            return Person(
                f"member:{member.pk}",
                Kind.HOST,
                member_id=member.pk,
                name=member.name,
                email=member.user.email,
            )
    if seen.is_host:
        member = people.hosts[0]
        return Person(
            f"member:{member.pk}", Kind.HOST, member_id=member.pk, name=member.name, email=member.user.email
        )
    label = seen.name.strip() or "Guest"
    return Person(f"guest:{label.lower()}|{email}"[:120], Kind.GUEST, name=label, email=email)
