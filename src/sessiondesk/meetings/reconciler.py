"""Bring one claimed meeting link in line with its session: at most one provider call per net change.

The link's ``desired_version`` is read once; the result is marked applied only if no change
arrived meanwhile, otherwise the link stays pending and the next pass looks again.
"""

import datetime as dt
import json
import logging
import time
import uuid
from dataclasses import asdict
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from sessiondesk.lib import rows
from sessiondesk.meetings import attempts, claims, horizon, logbook, providers, reads
from sessiondesk.meetings.backoff import retry_delay
from sessiondesk.meetings.desired import wanted_provider
from sessiondesk.meetings.models import LinkState, MeetingLink, WaitReason
from sessiondesk.meetings.providers import Meeting, MeetingProvider, ProviderError
from sessiondesk.notifications import actions as notify
from sessiondesk.worker.failures import DATABASE_GONE
from sessiondesk.worker.identity import owner_name

log = logging.getLogger(__name__)

CLEARED = {
    "external_id": "",
    "join_url": "",
    "start_url": "",
    "passcode": "",
    "host_label": "",
    "host_key": "",
    "host_member_id": None,
    "applied_payload": None,
    "create_intent": "",
    "intent_payload": None,
}


def run_due(limit: int) -> int:
    """Worker job: reconcile due links, holding their leases as this process and thread."""
    return reconcile_due(limit, owner_name())


def reconcile_due(limit: int, owner: str, now: dt.datetime | None = None) -> int:
    """Claim and reconcile up to ``limit`` due links, one after another; returns how many.
    ``now`` stands in for the clock (tests of the horizon move time with it)."""
    ids = claims.claim(owner, limit, now=now)
    for link_id in ids:
        reconcile(link_id, owner, now=now)
    return len(ids)


def reconcile(link_id: int, owner: str, now: dt.datetime | None = None) -> None:
    link = reads.link_for_pass(link_id)
    version = link.desired_version
    try:
        fields = _apply(link, owner, now or timezone.now())
    except ProviderError as error:
        _failed(link, version, owner, error, now)
    except DATABASE_GONE:
        raise  # the worker logs the outage once; the lease expires and the link is taken up again
    except Exception as error:
        # Push the row forward like a transient failure, so one bad row never stalls the loop.
        logbook.unexpected(link)
        _failed(link, version, owner, ProviderError(f"Internal error: {error!r}", permanent=False), now)
    else:
        _succeeded(link, version, owner, fields)


def _apply(link: MeetingLink, owner: str, now: dt.datetime) -> dict[str, Any]:
    """Make the needed call (if any) and return the link fields that describe the result."""
    wanted = wanted_provider(link.session) == link.provider
    holds = bool(link.external_id or link.create_intent or link.applied_payload is not None)
    if not wanted and not holds:
        return {"state": LinkState.DELETED, **CLEARED}
    provider = providers.get(link.provider)
    if provider is None:
        raise ProviderError(
            f'The meeting provider "{link.provider}" is not available on this installation.',
            permanent=True,
            remedy="Choose another meeting provider for the session, or ask the operator to enable this one.",
        )
    if not wanted:
        _remove(link, provider)
        return {"state": LinkState.DELETED, **CLEARED}
    if not holds and provider.external:
        wait = horizon.wait_error(link.session, now)  # a later occurrence of a series, beyond the horizon
        if wait is not None:
            raise wait
    payload = _normalised(provider.build_payload(link.session))
    meeting = _present(link, provider, payload, owner)
    fields: dict[str, Any] = {"state": LinkState.ACTIVE}
    if meeting is not None:
        fields.update(
            _meeting_fields(meeting), applied_payload=payload, create_intent="", intent_payload=None
        )
        # Saved before the registrations, so a failure there never loses (or repeats) the meeting.
        _keep(link, owner, {k: v for k, v in fields.items() if k != "state"})
    provider.sync_registrations(link, payload)
    return fields


def _keep(link: MeetingLink, owner: str, fields: dict[str, Any]) -> None:
    if not rows.update(MeetingLink, {"id": link.pk, "lease_owner": owner}, **fields):
        raise ProviderError("The worker lost its lease before saving the meeting.", permanent=False)
    for name, value in fields.items():
        setattr(link, name, value)


def _present(
    link: MeetingLink, provider: MeetingProvider, payload: dict[str, Any], owner: str
) -> Meeting | None:
    if link.external_id or link.applied_payload is not None:
        if payload == link.applied_payload and not link.create_intent:
            return None  # nothing changed since the last apply: no call
        return _call(link, provider, "update", provider.update, link, payload)
    if link.create_intent:
        # An earlier pass committed an intent and then died, or never heard the provider's answer: the
        # meeting may exist. find() looks where that create was sent (link.intent_payload) and
        # returns it only if it can serve the session as it is now; one made for a host the
        # session no longer has is deleted there, and we create afresh below.
        found = _call(link, provider, "find", provider.find, link, payload)
        if found is not None:
            link.external_id = found.external_id
            return _call(link, provider, "update", provider.update, link, payload)
    if provider.external:
        # Committed before the call, with the payload (so the host) it is sent with: if we die
        # after the provider answered, the next pass finds the meeting there.
        if link.lease_owner != owner:
            raise ProviderError("The worker lost its lease before creating the meeting.", permanent=False)
        providers.commit_intent(link, uuid.uuid4().hex, payload)
    return _call(link, provider, "create", provider.create, link, payload)


def _remove(link: MeetingLink, provider: MeetingProvider) -> None:
    if not link.external_id and link.create_intent:
        # The session wants no meeting any more (cancelled, in person, another provider), but a
        # create may have happened: find() with an empty payload deletes whatever it made.
        found = _call(link, provider, "find", provider.find, link, {})
        if found is None:
            return
        link.external_id = found.external_id
    _call(link, provider, "delete", provider.delete, link)


def _call(link: MeetingLink, provider: MeetingProvider, operation: str, fn: Any, *args: Any) -> Any:
    """Run one provider operation, recorded as one CallAttempt unless the provider makes no network
    calls or records each of its own (then a second record would count the call twice)."""
    recorded = provider.external and not provider.records_calls
    started = time.monotonic()
    try:
        result = fn(*args)
    except ProviderError as error:
        error.operation = error.operation or operation
        if recorded:
            outcome = "permanent" if error.permanent else "transient"
            attempts.record(
                link, provider=provider.name, operation=operation, outcome=outcome, status=error.status,
                code=error.code, duration_ms=_ms(started), excerpt=error.excerpt or error.message,
            )  # fmt: skip
        raise
    if recorded:
        status = result if isinstance(result, int) else getattr(result, "status", None)
        attempts.record(
            link, provider=provider.name, operation=operation, outcome="ok", status=status,
            duration_ms=_ms(started), excerpt=getattr(result, "excerpt", ""),
        )  # fmt: skip
    return result


def _succeeded(link: MeetingLink, version: int, owner: str, fields: dict[str, Any]) -> None:
    done = {
        "attempts": 0,
        "last_error": "",
        "remedy": "",
        "awaits_connection": False,
        "waiting_for": "",
        **fields,
    }
    unchanged = {"id": link.pk, "lease_owner": owner, "desired_version": version}
    applied = rows.update(
        MeetingLink, unchanged, applied_version=version, lease_until=None, lease_owner="", **done
    )
    if not applied:
        # The session changed while we worked: keep what the provider holds, stay pending for another
        # pass, due when that change asked for (edits in a row settle first, see sync._bump).
        done.pop("state")
        if not claims.release(link.pk, owner, **done):
            logbook.lease_lost(link, "the result")
            return
    if link.attempts:
        logbook.recovered(link)
    if applied and fields["state"] == LinkState.ACTIVE:
        _link_ready(link)  # idempotent: emails go only to attendees who lack this join link


def _link_ready(link: MeetingLink) -> None:
    """Let attendees know the (new) join link; emails are rows, so this never blocks the loop."""
    try:
        notify.meeting_link_ready(link.session)
    except Exception:
        log.exception("meeting link %s: could not queue the link emails", link.pk)


def _failed(
    link: MeetingLink, version: int, owner: str, error: ProviderError, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    remedy = error.remedy or ("" if error.permanent else "SessionDesk will retry automatically.")
    base = {
        "last_error": error.message,
        "remedy": remedy,
        "awaits_connection": error.awaits_connection,
        "waiting_for": _wait_reason(error),
    }
    if error.permanent:
        blocked = MeetingLink.objects.filter(id=link.pk, lease_owner=owner, desired_version=version).update(
            state=LinkState.BLOCKED, lease_until=None, lease_owner="", **base
        )
        if blocked:
            logbook.blocked(link, error, remedy)
        elif claims.release(link.pk, owner, next_attempt_at=now, attempts=0, **base):
            logbook.superseded(link, error)  # a newer change may have fixed it: try that first
        else:
            logbook.lease_lost(link, "the failure")
        return
    attempt = link.attempts + 1
    delay = retry_delay(attempt, error.retry_after)
    moved = MeetingLink.objects.filter(id=link.pk, lease_owner=owner, desired_version=version).update(
        state=LinkState.WAITING if error.waiting else LinkState.PENDING,
        attempts=link.attempts if error.waiting else attempt,
        next_attempt_at=now + dt.timedelta(seconds=delay),
        lease_until=None,
        lease_owner="",
        **base,
    )
    if moved and error.waiting:
        logbook.waiting(link, error, remedy, now + dt.timedelta(seconds=delay))
    elif moved:
        logbook.retrying(link, error, remedy, attempt, delay)
    elif claims.release(link.pk, owner, next_attempt_at=now, **base):
        logbook.superseded(link, error)
    else:
        logbook.lease_lost(link, "the failure")


def _wait_reason(error: ProviderError) -> str:
    if not error.waiting:
        return ""
    return WaitReason.HORIZON if isinstance(error, horizon.NotYet) else WaitReason.LIMIT


def _meeting_fields(meeting: Meeting) -> dict[str, Any]:
    fields = asdict(meeting)
    fields.pop("status")
    fields.pop("excerpt")
    return fields


def _normalised(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as it will read back from the JSON column, so comparisons are exact."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
