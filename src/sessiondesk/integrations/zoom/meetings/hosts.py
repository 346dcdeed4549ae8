"""Who hosts a session's Zoom meeting, and in which Zoom account: one pure function, table-tested.

``resolve_host`` looks only at plain facts; ``host_for(session)`` gathers them from the database.
The order (DESIGN.md, "Host resolution"): no meeting unless the session is online on Zoom; the
organisation's Zoom account when it is connected (for the consultant's own Zoom user in it when
one is linked, else for the admin who connected it); else the consultant's personal connection;
else blocked with "<consultant> must connect Zoom". Whoever booked the session is never a candidate.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sessiondesk.integrations.zoom.directory.links import host_links
from sessiondesk.integrations.zoom.meetings import host_reads
from sessiondesk.integrations.zoom.models import ConnectionKind, ConnectionStatus, ZoomConnection
from sessiondesk.scheduling.models import Provider, Session, SessionStatus


@dataclass(frozen=True)
class SessionFacts:
    online: bool
    provider: str
    consultant_id: int
    consultant_name: str
    # Collective calendars: the other members who attend; they become alternative hosts where possible.
    co_host_ids: tuple[int, ...] = ()
    booker_id: int | None = None  # deliberately unused: the booker is never made the host


@dataclass(frozen=True)
class ConnectionFacts:
    id: int
    member_id: int | None
    member_name: str
    zoom_user_id: str
    zoom_account_id: str
    zoom_email: str
    active: bool = True


@dataclass(frozen=True)
class ZoomUserRef:
    """A Zoom user of the organisation's account that is linked to a SessionDesk member."""

    id: str
    email: str


@dataclass(frozen=True)
class HostDecision:
    kind: str  # "none" (no meeting), "zoom" (host below), "blocked" (see remedy)
    connection_id: int | None = None
    path_user: str = ""  # the {userId} of POST /users/{userId}/meetings: "me" or a Zoom user id
    zoom_user_id: str = ""  # the host's Zoom user id (the daily ledger is kept per host)
    zoom_account_id: str = ""
    host_email: str = ""
    host_label: str = ""
    host_member_id: int | None = None
    alternative_hosts: tuple[str, ...] = field(default_factory=tuple)
    message: str = ""
    remedy: str = ""


NO_MEETING = HostDecision(kind="none")


def resolve_host(
    facts: SessionFacts,
    org_connection: ConnectionFacts | None,
    personal_connections: Mapping[int, ConnectionFacts],
    links: Mapping[int, ZoomUserRef],
) -> HostDecision:
    """Decide the host. ``personal_connections`` and ``links`` are keyed by member id; ``links`` are
    Zoom users of the organisation's account."""
    if not facts.online or facts.provider != Provider.ZOOM:
        return NO_MEETING
    if org_connection is not None and org_connection.active:
        return _in_org_account(facts, org_connection, links)
    personal = personal_connections.get(facts.consultant_id)
    if personal is not None and personal.active:
        return _personal(facts, personal, personal_connections)
    if personal is not None:
        return HostDecision(
            kind="blocked",
            message=f"The Zoom connection of {facts.consultant_name} needs to be renewed.",
            remedy=f"{facts.consultant_name} must reconnect Zoom",
        )
    return HostDecision(
        kind="blocked",
        message=f"{facts.consultant_name} has not connected Zoom and the organisation has no Zoom account.",
        remedy=f"{facts.consultant_name} must connect Zoom",
    )


def _in_org_account(
    facts: SessionFacts, org: ConnectionFacts, links: Mapping[int, ZoomUserRef]
) -> HostDecision:
    own = links.get(facts.consultant_id)
    member_id: int | None
    if own is not None:
        user, label, member_id = own, f"{facts.consultant_name} ({own.email})", facts.consultant_id
    else:
        # The consultant has no Zoom user in the account: the admin's user holds it, and the card says so.
        user = ZoomUserRef(org.zoom_user_id, org.zoom_email)
        label = f"{org.member_name} ({org.zoom_email})"
        if org.member_id != facts.consultant_id:
            label += f" for {facts.consultant_name}"
        member_id = org.member_id
    others = [links[m].email for m in facts.co_host_ids if m in links and links[m].id != user.id]
    return HostDecision(
        kind="zoom",
        connection_id=org.id,
        path_user=user.id,
        zoom_user_id=user.id,
        zoom_account_id=org.zoom_account_id,
        host_email=user.email,
        host_label=label,
        host_member_id=member_id,
        alternative_hosts=tuple(sorted(set(others))),
    )


def _personal(
    facts: SessionFacts, own: ConnectionFacts, personal: Mapping[int, ConnectionFacts]
) -> HostDecision:
    # Zoom accepts alternative hosts only from the host's own account.
    others = [
        personal[m].zoom_email
        for m in facts.co_host_ids
        if m in personal and personal[m].zoom_account_id == own.zoom_account_id and m != facts.consultant_id
    ]
    return HostDecision(
        kind="zoom",
        connection_id=own.id,
        path_user="me",  # user-managed apps must say "me" (another id reads as an invalid token)
        zoom_user_id=own.zoom_user_id,
        zoom_account_id=own.zoom_account_id,
        host_email=own.zoom_email,
        host_label=f"{facts.consultant_name} ({own.zoom_email})",
        host_member_id=facts.consultant_id,
        alternative_hosts=tuple(sorted(set(others))),
    )


def _facts(connection: ZoomConnection) -> ConnectionFacts:
    member = connection.member
    return ConnectionFacts(
        id=connection.pk,
        member_id=member.pk if member else None,
        member_name=member.name if member else connection.zoom_email,
        zoom_user_id=connection.zoom_user_id,
        zoom_account_id=connection.zoom_account_id,
        zoom_email=connection.zoom_email,
        active=connection.status == ConnectionStatus.ACTIVE,
    )


def host_for(session: Session) -> HostDecision:
    """Gather the facts for ``session`` from the database and resolve its host."""
    return decide(session)[0]


def decide(session: Session) -> tuple[HostDecision, ZoomConnection | None]:
    """``host_for``, and the connection that holds the host's meetings as it was read for the
    decision (None when nobody hosts), so its caller need not read it again."""
    online = session.is_online and session.status == SessionStatus.SCHEDULED
    if not online or session.provider != Provider.ZOOM:
        return NO_MEETING, None
    co_hosts = host_reads.co_host_ids(session.pk)
    facts = SessionFacts(
        online=online,
        provider=session.provider,
        consultant_id=session.consultant_id,
        consultant_name=session.consultant.name,
        co_host_ids=co_hosts,
        booker_id=session.booked_by_id,
    )
    members = (session.consultant_id, *co_hosts)
    org, personal_rows = _live_connections(session.org_id, members)
    personal: dict[int, ConnectionFacts] = {
        c.member_id: _facts(c)  # type: ignore[misc]  # personal connections always name their member
        for c in personal_rows
    }
    org_facts = _facts(org) if org is not None else None
    # A member's Zoom user is linked to the organisation's account when their personal connection
    # is a user of that same account.
    links: dict[int, ZoomUserRef] = {
        member_id: ZoomUserRef(c.zoom_user_id, c.zoom_email)
        for member_id, c in personal.items()
        if org_facts is not None and c.zoom_account_id == org_facts.zoom_account_id
    }
    if org_facts is not None:
        # Links an admin made on the Zoom Users page win over those inferred from personal connections.
        links.update({m: ZoomUserRef(*ref) for m, ref in host_links(session.org_id, members).items()})
    decision = resolve_host(facts, org_facts, personal, links)
    held = {c.pk: c for c in (org, *personal_rows) if c is not None}
    return decision, held.get(decision.connection_id or 0)


def _live_connections(
    org_id: int, member_ids: tuple[int, ...]
) -> tuple[ZoomConnection | None, list[ZoomConnection]]:
    """The organisation's connection (at most one is live) and the personal ones of ``member_ids``."""
    rows = host_reads.live_connections(org_id, member_ids)
    org = next((c for c in rows if c.kind == ConnectionKind.ORGANIZATION), None)
    return org, [c for c in rows if c.kind == ConnectionKind.PERSONAL]
