"""Personal links: each client of a session is registered for its Zoom meeting and gets their own
join link (Zoom's meeting registration, automatic approval).

When. The organisation's policy asks for it (on by default), the host is a licensed Zoom user
(Zoom refuses registration for Basic hosts) and the connection holds the registration scopes
(connections made before SessionDesk asked for them keep the shared link until reconnected).
Otherwise every client of the session has the shared link, and their registration row says why.

Calls. After each meeting pass the worker brings the registrations in line with the session's
clients: new clients are registered (one call, or Zoom's batch call for two or more), removed
ones cancelled (one status call for all of them), and after a move to another host (a new
meeting) everyone is registered anew. A reschedule or rename keeps every registration: Zoom keeps
registrants when a meeting changes.

Crash safety. Before a registration call the meeting id is committed as the row's ``intent``. A
pass that finds an intent for the current meeting without a registrant asks Zoom for the
meeting's registrants and adopts the one with the client's email; only those not found are
registered. A cancel is idempotent and needs no intent.
"""

from typing import Any

from django.utils import timezone

from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import scopes
from sessiondesk.integrations.zoom.directory.models import DirectoryUser
from sessiondesk.integrations.zoom.models import MeetingPolicy, ZoomConnection
from sessiondesk.meetings import reads
from sessiondesk.meetings.models import MeetingLink, Registration, RegistrationState
from sessiondesk.meetings.providers import ProviderError
from sessiondesk.scheduling.models import Client, Session, SessionStatus

BATCH = 30  # Zoom: batch registration and status updates take at most 30 registrants
BASIC = 1  # Zoom's user type of a Basic (unlicensed) user
POLICY_OFF = "The organisation's meeting policy gives every participant the session's shared link."
BASIC_HOST = (
    "The host's Zoom user has a Basic licence, and Zoom lets only licensed hosts register participants: "
    "everyone gets the session's shared link."
)


def missing_scopes_reason(needs: list[scopes.Need]) -> str:
    named = ", ".join(need.name for need in needs)
    return (
        f"The Zoom connection was made before SessionDesk asked for registration permissions ({named}): "
        "everyone gets the shared link until it is reconnected."
    )


def shared_reason(policy: MeetingPolicy, connection: ZoomConnection | None, host_user_id: str) -> str:
    """Why the session's clients share one link, or "" when each gets their own."""
    if not policy.personal_links:
        return POLICY_OFF
    if connection is None:
        return ""
    lacking = scopes.registration_missing(connection.kind, connection.scopes)
    if lacking:
        return missing_scopes_reason(lacking)
    if host_type(connection, host_user_id) == BASIC:
        return BASIC_HOST
    return ""


def host_type(connection: ZoomConnection, host_user_id: str) -> int | None:
    """The host's Zoom user type as last known (None: not known, taken as licensed)."""
    if host_user_id == connection.zoom_user_id:
        return connection.zoom_user_type
    found = DirectoryUser.objects.filter(org_id=connection.org_id, zoom_user_id=host_user_id).first()
    return found.user_type if found is not None else None


def learned_basic(connection: ZoomConnection, host_user_id: str) -> None:
    """Zoom refused registration because the host is Basic: remember it for the next payload."""
    if host_user_id == connection.zoom_user_id:
        ZoomConnection.objects.filter(pk=connection.pk).update(zoom_user_type=BASIC)
    DirectoryUser.objects.filter(org_id=connection.org_id, zoom_user_id=host_user_id).update(user_type=BASIC)


def attendees(session: Session) -> list[Client]:
    if session.status != SessionStatus.SCHEDULED:
        return []

    return reads.clients_of(session.pk)


def person(who: Client) -> dict[str, str]:
    first, _, last = who.name.strip().partition(" ")
    return {"email": who.email, "first_name": (first or who.email)[:64], "last_name": last[:64]}


class Sync:
    """One pass over a session's registrations; ``send(fn, *args)`` makes one Zoom call."""

    def __init__(self, link: MeetingLink, payload: dict[str, Any], send: Any) -> None:
        self.link = link
        self.session = link.session
        self.meeting_id = link.external_id
        self.reason = payload.get("shared_reason", "")
        self.send = send

    def run(self) -> None:
        if self.session.end <= timezone.now():
            return  # Zoom refuses registration once a meeting is over (code 3038): nothing to change
        clients = attendees(self.session)
        rows = {row.client_id: row for row in reads.registrations_of(self.session.pk)}
        if self.reason:
            self._share(clients)
            return
        for who in clients:
            if who.pk not in rows:
                rows[who.pk] = Registration.objects.create(session=self.session, client=who)
        wanted = {who.pk: who for who in clients}
        todo = [
            rows[pk]
            for pk in wanted
            if rows[pk].state != RegistrationState.REGISTERED or rows[pk].meeting_id != self.meeting_id
        ]
        self._register(todo, wanted)
        gone = [
            row for pk, row in rows.items() if pk not in wanted and row.state != RegistrationState.CANCELLED
        ]
        self._cancel(gone)

    def _share(self, clients: list[Client]) -> None:
        # Registrants of a meeting that no longer asks for registration are moot: the shared link works.
        for who in clients:
            Registration.objects.update_or_create(
                session=self.session,
                client=who,
                defaults={
                    "state": RegistrationState.SHARED,
                    "reason": self.reason,
                    "registrant_id": "",
                    "join_url": "",
                    "meeting_id": "",
                    "intent": "",
                },
            )
        kept = {who.pk for who in clients}
        Registration.objects.filter(session=self.session).exclude(client_id__in=kept).exclude(
            state=RegistrationState.CANCELLED
        ).update(state=RegistrationState.CANCELLED, join_url="", intent="")

    def _register(self, todo: list[Registration], wanted: dict[int, Client]) -> None:
        if not todo:
            return
        unsure = [row for row in todo if row.intent == self.meeting_id and row.meeting_id != self.meeting_id]
        if unsure:
            # An earlier pass sent these and died (or lost the answer): Zoom may hold them already.
            held = {
                r.email.lower(): r
                for r in self.send(lambda c: list(client.list_registrants(c, self.meeting_id)))
            }
            for row in unsure:
                found = held.get(wanted[row.client_id].email.lower())
                if found is not None:
                    self._registered(row, found)
            todo = [
                row
                for row in todo
                if row.state != RegistrationState.REGISTERED or row.meeting_id != self.meeting_id
            ]
        if not todo:
            return
        self._commit_intent(todo)
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            people = [person(wanted[row.client_id]) for row in chunk]
            if len(chunk) == 1:
                made = [self.send(client.add_registrant, self.meeting_id, people[0])]
            else:
                made = self.send(client.add_registrants, self.meeting_id, people)
            by_email = {r.email.lower(): r for r in made}
            for row, who in zip(chunk, people, strict=True):
                found = by_email.get(who["email"].lower())
                if found is not None:
                    self._registered(row, found)

    def _commit_intent(self, rows: list[Registration]) -> None:
        """Written ahead of the call, in one UPDATE that holds only while this worker holds the link's lease."""
        held = Registration.objects.filter(
            pk__in=[row.pk for row in rows],
            session__meeting_links__pk=self.link.pk,
            session__meeting_links__lease_owner=self.link.lease_owner,
        )
        if held.update(intent=self.meeting_id) != len(rows):
            raise ProviderError("The worker lost its lease before registering participants.", permanent=False)
        for row in rows:
            row.intent = self.meeting_id

    def _registered(self, row: Registration, found: client.ZoomRegistrant) -> None:
        row.state, row.registrant_id, row.join_url = RegistrationState.REGISTERED, found.id, found.join_url
        row.meeting_id, row.intent, row.reason = self.meeting_id, "", ""
        row.save(
            update_fields=[
                "state",
                "registrant_id",
                "join_url",
                "meeting_id",
                "intent",
                "reason",
                "updated_at",
            ]
        )

    def _cancel(self, rows: list[Registration]) -> None:
        if not rows:
            return
        here = [row for row in rows if row.registrant_id and row.meeting_id == self.meeting_id]
        for start in range(0, len(here), BATCH):
            chunk = here[start : start + BATCH]
            self.send(client.cancel_registrants, self.meeting_id, [row.registrant_id for row in chunk])
        # A registrant of an earlier meeting went with it (deleted on a move): nothing to cancel there.
        Registration.objects.filter(pk__in=[row.pk for row in rows]).update(
            state=RegistrationState.CANCELLED, join_url="", intent=""
        )
