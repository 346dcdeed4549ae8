"""The Zoom meeting provider: a session becomes a Zoom meeting payload, and the payload is applied.

Crash safety. A worker may die at any instant: before a call, while Zoom carries it out, or after
Zoom answered but before the result was saved. Whatever was committed stays; nothing else does.
So every call is prepared by a committed write that lets a later pass finish the job:

- Create. Zoom has no idempotency key, so every meeting SessionDesk creates carries a marker Zoom
  keeps and lists back: the agenda's last line, ``SessionDesk ref: <token>``
  (``GET /users/{userId}/meetings`` returns each meeting's agenda). The token is the link's
  ``create_intent``, committed before the call together with ``intent_payload``, the payload (so
  the host) the create is sent with. A pass that finds an intent without a meeting id lists *that*
  host's meetings: the one carrying the token is adopted when the session still wants a meeting
  from that host, and deleted otherwise (the consultant changed, or the session was cancelled
  meanwhile; nobody has seen its link yet). Only then does it create, with a fresh intent.
- Move (a new host, or the meeting deleted inside Zoom). Create for the new host, then delete the
  old meeting; the intent ``move-<link>-<old meeting id>`` and the new payload are committed before
  creating, so a pass that died between the two steps finds the new meeting by its marker, adopts
  it (or deletes it, if the host changed yet again) and deletes the old one.
- Update. Before the PATCH the fields it changes are committed as unknown (``None``) in the link's
  ``applied_payload``: if the answer is lost, Zoom may or may not hold the new values, and the next
  pass sends those fields again even if the session was changed back to what was applied before.
  A PATCH is idempotent, so sending it twice is harmless.
- Delete. A meeting already gone (404, code 3001) counts as deleted; delete also removes whatever
  an unresolved intent may have made.
"""

import datetime as dt
import secrets
import string
from typing import Any

from django.utils import timezone

from sessiondesk.integrations.zoom import calls, client
from sessiondesk.integrations.zoom.connection import reconnect, tokens
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.meetings import hosts, ledger, registrations
from sessiondesk.integrations.zoom.meetings.answers import ZoomAnswers
from sessiondesk.integrations.zoom.meetings.policy import policy_of, zoom_settings
from sessiondesk.integrations.zoom.models import ConnectionStatus, MeetingPolicy, ZoomConnection
from sessiondesk.lib.queries import unique_or_none
from sessiondesk.meetings import logbook
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.meetings.providers import Meeting, MeetingProvider, ProviderError, commit_intent
from sessiondesk.scheduling.models import Session

MARKER = "SessionDesk ref: "
AGENDA_LIMIT = 2000  # Zoom's maximum agenda length
PASSCODE_CHARS = string.ascii_letters + string.digits
GONE_CODES = ("3001", "1001")  # the meeting (or its host) no longer exists: nothing left to delete


def new_passcode() -> str:
    """Ten letters and digits: within Zoom's rules (at most 10 characters of [a-zA-Z0-9@-_*])."""
    return "".join(secrets.choice(PASSCODE_CHARS) for _ in range(10))


def tagged(agenda: str, token: str) -> str:
    line = MARKER + token
    room = AGENDA_LIMIT - len(line) - 2
    return f"{agenda[:room]}\n\n{line}" if agenda else line


def carries(agenda: str, token: str) -> bool:
    return bool(token) and agenda.rstrip().rsplit("\n", 1)[-1].strip() == MARKER + token


def meeting_fields(session: Session, decision: hosts.HostDecision, policy: MeetingPolicy) -> dict[str, Any]:
    minutes = -(-int(session.duration.total_seconds()) // 60)
    return {
        "topic": session.title[:200],
        "type": 2,  # scheduled
        "start_time": session.start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": minutes,
        "timezone": session.org.timezone,
        "agenda": session.agenda[: AGENDA_LIMIT - 60],  # room for the marker line
        "settings": {
            **zoom_settings(policy),
            "alternative_hosts": ";".join(decision.alternative_hosts),
        },
    }


def host_fields(decision: hosts.HostDecision) -> dict[str, Any]:
    return {
        "connection": decision.connection_id,
        "user": decision.path_user,
        "zoom_user_id": decision.zoom_user_id,
        "account": decision.zoom_account_id,
        "email": decision.host_email,
        "label": decision.host_label,
        "member": decision.host_member_id,
    }


def _same_host(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return (old["account"], old["zoom_user_id"]) == (new["account"], new["zoom_user_id"])


class ZoomProvider(ZoomAnswers, MeetingProvider):
    name = "zoom"
    label = "Zoom"
    records_calls = True  # each HTTP call, through calls.ZoomCall

    def build_payload(self, session: Session) -> dict[str, Any]:
        decision, connection = hosts.decide(session)
        if decision.kind != "zoom":
            raise ProviderError(
                decision.message or "This session needs no Zoom meeting.",
                permanent=True,
                remedy=decision.remedy,
                # Nobody can host it yet: connecting the consultant's or the organisation's Zoom
                # account makes it due again.
                awaits_connection=decision.kind == "blocked",
            )
        _hold(session, connection)
        policy = policy_of(session.org)
        reason = registrations.shared_reason(policy, connection, decision.zoom_user_id)
        fields = meeting_fields(session, decision, policy)
        # approval_type 0: registration required, approved automatically; 2: no registration.
        fields["settings"]["approval_type"] = 2 if reason else 0
        if not reason:
            fields["settings"]["registration_type"] = 1  # one registration for the meeting
        return {"host": host_fields(decision), "meeting": fields, "shared_reason": reason}

    def sync_registrations(self, link: MeetingLink, payload: dict[str, Any]) -> None:
        """Bring the registrations of ``link``'s session in line with its clients (see registrations)."""
        host = payload["host"]
        call = _call(link, host)

        def send(fn: Any, *args: Any) -> Any:
            try:
                return _zoom(call, host, fn, *args)
            except ProviderError as error:
                if error.code == "200":
                    # {"code": 200, "message": "Only available for paid users: KDcuGIm1QgePTO8WbOqwIQ."}
                    registrations.learned_basic(call.connection, host["zoom_user_id"])
                    raise ProviderError(
                        "Zoom allows registration only for licensed hosts: the session keeps its shared link.",
                        permanent=False,
                        retry_after=0,
                        status=error.status,
                        code=error.code,
                        excerpt=error.excerpt,
                    ) from error
                raise

        registrations.Sync(link, payload, send).run()

    def create(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        return self._create(link, payload, link.create_intent, passcode=new_passcode())

    def update(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        old = link.applied_payload
        if old is None:
            return self._adopt(link, payload, link.external_id)  # found after a lost create answer
        moving = link.create_intent.startswith("move-")
        moved_to = (link.intent_payload or {}).get("host")
        if (
            moving
            and moved_to
            and _same_host(old["host"], payload["host"])
            and not _same_host(moved_to, payload["host"])
        ):
            # A move to another host died unresolved and the session is back with the old host:
            # remove what the move may have made there. The move may also have deleted the old
            # meeting already: keep it if Zoom still has it, else replace it like one deleted in Zoom.
            self.find(link, {})
            if not self._exists(link, old["host"], link.external_id):
                return self._move(link, payload, old, gone=True)
            moving = False
        if moving or not _same_host(old["host"], payload["host"]):
            return self._move(link, payload, old)
        changes = {k: v for k, v in payload["meeting"].items() if old["meeting"].get(k) != v}
        if changes:
            host = payload["host"]
            call = _call(link, host)
            _unsure(link, old, changes)
            try:
                status = _zoom(call, host, client.update_meeting, link.external_id, changes)
            except ProviderError as error:
                if error.code != "3001":
                    raise
                # Deleted inside Zoom meanwhile: a new meeting replaces it.
                return self._move(link, payload, old, gone=True)
        else:
            status = None  # only the label changed (e.g. a renamed member): nothing to tell Zoom
        return Meeting(
            external_id=link.external_id, join_url=link.join_url, start_url=link.start_url,
            passcode=link.passcode, host_label=payload["host"]["label"], host_member_id=payload["host"]["member"],
            status=status,
        )  # fmt: skip

    def delete(self, link: MeetingLink) -> int | None:
        if link.create_intent:
            # A create or move that died unresolved may have made a meeting: find() removes it.
            self.find(link, {})
        host = _known_host(link, link.applied_payload)
        if host is None or not link.external_id:
            return None
        return self._delete(_call(link, host), host, link.external_id)

    def find(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting | None:
        """The meeting the link's unresolved intent made, if it can serve ``payload``.

        It is looked for with the host the create was sent to (``intent_payload``), not the
        session's host now. Found there while ``payload`` wants another host, or no meeting at all
        (an empty payload), it is deleted: its link was never saved, so nobody has seen it.
        """
        where = _known_host(link, link.intent_payload) if link.intent_payload else _known_host(link, payload)
        if where is None or not link.create_intent:
            return None
        call = _call(link, where)
        found = self._find(call, where, link.create_intent)
        if found is None:
            return None
        if payload.get("host") and _same_host(where, payload["host"]):
            return Meeting(external_id=found)
        self._delete(call, where, found)
        logbook.discarded(link, self.label, found)
        return None

    # The steps.

    def _create(self, link: MeetingLink, payload: dict[str, Any], token: str, passcode: str) -> Meeting:
        host = payload["host"]
        call = _call(link, host)
        body = {**payload["meeting"], "password": passcode}
        if token:
            body["agenda"] = tagged(body["agenda"], token)
        made = _zoom(call, host, client.create_meeting, host["user"], body)
        return _meeting(made, host, status=201)

    def _adopt(self, link: MeetingLink, payload: dict[str, Any], meeting_id: str) -> Meeting:
        """Bring a meeting made by an earlier, interrupted pass in line and read back its details.

        The marker stays in the agenda: should this pass die before the meeting id is saved, the
        next one must still find the meeting by it."""
        host = payload["host"]
        call = _call(link, host)
        fields = {**payload["meeting"], "agenda": tagged(payload["meeting"]["agenda"], link.create_intent)}
        _zoom(call, host, client.update_meeting, meeting_id, fields)
        made = _meeting(_zoom(call, host, client.meeting_details, meeting_id), host, status=200)
        logbook.adopted(link, self.label, meeting_id)
        return made

    def _move(
        self, link: MeetingLink, payload: dict[str, Any], old: dict[str, Any], gone: bool = False
    ) -> Meeting:
        """A new host (or a meeting deleted inside Zoom): create the new meeting, then delete the old."""
        token = (
            link.create_intent
            if link.create_intent.startswith("move-")
            else f"move-{link.pk}-{link.external_id}"
        )
        found = None
        if link.create_intent == token:
            found = self.find(link, payload)  # an earlier pass may have made it (for this host)
        if found:
            made = self._adopt(link, payload, found.external_id)
        else:
            commit_intent(link, token, payload)  # written ahead, like the reconciler's create intent
            made = self._create(link, payload, token, passcode=link.passcode or new_passcode())
        if not gone:
            self._delete_old(link, old["host"], link.external_id)
        return made

    def _delete_old(self, link: MeetingLink, host: dict[str, Any], meeting_id: str) -> None:
        try:
            self._delete(_call(link, host), host, meeting_id)
        except ProviderError as error:
            if not error.permanent:
                raise  # the next pass adopts the new meeting (its marker) and deletes the old one again
            # The old host's connection is gone or refuses: its meeting stays in that account.

    def _delete(self, call: calls.ZoomCall, host: dict[str, Any], meeting_id: str) -> int:
        try:
            return _zoom(call, host, client.delete_meeting, meeting_id)
        except ProviderError as error:
            if error.status == 404 and error.code in GONE_CODES:
                # {"code": 3001, "message": "Meeting 85746065432 is not found or has expired."}
                return 404
            raise

    def _exists(self, link: MeetingLink, host: dict[str, Any], meeting_id: str) -> bool:
        try:
            _zoom(_call(link, host), host, client.meeting_details, meeting_id)
        except ProviderError as error:
            if error.status == 404 and error.code in GONE_CODES:
                return False
            raise
        return True

    def _find(self, call: calls.ZoomCall, host: dict[str, Any], token: str) -> str | None:
        if not token:
            return None
        try:
            rows = _zoom(call, host, lambda c, u: list(client.list_meetings(c, u)), host["user"])
        except ProviderError as error:
            if error.code == "1001":
                return None  # the host is gone from the account, and their meetings with them
            raise
        return next((row.id for row in rows if carries(row.agenda, token)), None)


def daily_limit_error() -> ProviderError:
    return ProviderError(
        ledger.STATUS,
        permanent=False,
        waiting=True,
        retry_after=ledger.seconds_until_midnight(timezone.now()) + 1,
        remedy="Nothing to do: SessionDesk carries on by itself when Zoom's day starts again.",
    )


def _unsure(link: MeetingLink, old: dict[str, Any], changes: dict[str, Any]) -> None:
    """Commit, before the PATCH, that the changed fields' values in Zoom are unknown until it answers."""
    unknown = {**old, "meeting": {**old["meeting"], **dict.fromkeys(changes)}}
    if not MeetingLink.objects.filter(pk=link.pk, lease_owner=link.lease_owner).update(
        applied_payload=unknown
    ):
        raise ProviderError("The worker lost its lease before updating the meeting.", permanent=False)


def _known_host(link: MeetingLink, payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The host a payload names, else the one the session would have now (None: no Zoom host)."""
    if payload and payload.get("host"):
        return dict(payload["host"])
    decision = hosts.host_for(link.session)
    if decision.kind != "zoom":
        return None
    return host_fields(decision)


# Where a session instance keeps the connection its payload was built with, for the calls of the
# same pass (like Django's ``_prefetched_objects_cache``: it lives and dies with the instance).
HELD = "_zoom_connection"


def _hold(session: Session, connection: ZoomConnection | None) -> None:
    session.__dict__[HELD] = connection


def _connection(link: MeetingLink, host: dict[str, Any]) -> ZoomConnection:
    """The connection that holds ``host``'s meetings: the one this pass's host decision read, else
    read now (an old host's, on a move or a delete)."""
    held = link.session.__dict__.get(HELD)
    if held is not None and held.pk == host["connection"]:
        connection: ZoomConnection | None = held
    else:
        connection = unique_or_none(
            ZoomConnection.objects.filter(pk=host["connection"]).select_related("member__user")
        )
    if connection is None or connection.status == ConnectionStatus.REVOKED:
        raise ProviderError(
            f"The Zoom connection that holds this meeting ({host['email']}) was disconnected.",
            permanent=True,
            remedy="Connect Zoom again in Settings → Meeting Preferences, then press Retry.",
        )
    return connection


def _call(link: MeetingLink, host: dict[str, Any]) -> calls.ZoomCall:
    """Calls for ``link`` through the connection that holds ``host``'s meetings, in ``host``'s account,
    creates and updates charged to ``host``'s day."""
    return calls.ZoomCall(
        _connection(link, host), link=link, host=host["zoom_user_id"], account=host["account"]
    )


def _zoom(call: calls.ZoomCall, host: dict[str, Any], fn: Any, *args: Any) -> Any:
    """``fn(call, *args)``, one of the client's typed calls; every ZoomError leaves as a classified
    ProviderError."""
    try:
        return fn(call, *args)
    except ZoomError as error:
        raise provider_error(host, error) from error


def provider_error(host: dict[str, Any], error: ZoomError) -> ProviderError:
    if isinstance(error, calls.DailyLimitReached):
        return daily_limit_error()  # nothing was sent
    kwargs: dict[str, Any] = {"status": error.status, "code": error.code, "excerpt": str(error)}
    if error.status == 429:
        message = error.message.lower()
        if "meeting create/update" in message:
            return daily_limit_error()  # the call context filled the host's ledger
        if "daily" in message:
            # The account's daily allowance for this API: nothing moves until Zoom's day starts again.
            waiting = daily_limit_error()
            return ProviderError(
                f"Zoom: {error.message}", permanent=False, waiting=True, retry_after=waiting.retry_after,
                remedy=waiting.remedy, **kwargs,
            )  # fmt: skip
        # Per second: the call context gave the unit back.
        return ProviderError(
            error.message,
            permanent=False,
            retry_after=error.retry_after or 1.0,
            remedy=error.remedy,
            **kwargs,
        )
    if error.status == 401 and error.code == "124":
        if isinstance(error, tokens.NotConnected):  # revoked: the call context marked the connection
            return ProviderError(
                error.message, permanent=True, remedy=reconnect.REMEDY, awaits_connection=True, **kwargs
            )
        return ProviderError(
            error.message, permanent=False, retry_after=0, **kwargs
        )  # expired again right after a refresh: the next pass tries once more
    if error.code == "1001":
        # {"code": 1001, "message": "User does not exist: carla@acme.test."}
        return ProviderError(
            f"Zoom says {host['email']} is not a user of the connected Zoom account.",
            permanent=True,
            remedy=f"Add {host['email']} to the Zoom account, or link the consultant to their own Zoom user.",
            **kwargs,
        )
    return ProviderError(
        f"Zoom: {error.message}", permanent=error.permanent, remedy=error.remedy, retry_after=error.retry_after,
        **kwargs,
    )  # fmt: skip


def _meeting(made: client.ZoomMeeting, host: dict[str, Any], status: int) -> Meeting:
    return Meeting(
        external_id=made.id,
        join_url=made.join_url,
        start_url=made.start_url,
        passcode=made.password,
        host_label=host["label"],
        host_member_id=host["member"],
        status=status,
    )
