"""The worker's email pass: claim due rows with a lease, render, send through Django's email backend.

Safe to run in many processes at once: a row is claimed by a compare-and-swap on ``lease_until``,
and a worker that dies mid-send leaves a lease that expires, so the row is tried again (at worst an
email goes twice; never zero times).
"""

import datetime as dt
import logging
import random

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Q
from django.utils import timezone

from sessiondesk.notifications import prepare, reads
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling.models import Session

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=2)


def send_due(limit: int = 20) -> int:
    """Send up to ``limit`` due emails; returns how many were sent."""
    claimed = _claim(limit)
    if not claimed:
        return 0
    sent = 0
    connection = mailers.default
    held = {email.pk: (email, lease) for email, lease in claimed}
    try:
        while held:
            email, lease = held.pop(next(iter(held)))
            sent += _process(email, lease, connection, held)
    finally:
        connection.close()
    return sent


def _claim(limit: int) -> list[tuple[OutboundEmail, dt.datetime]]:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    ids = reads.due_email_ids(now, limit)  # every pass looks: SQL built once
    claimed = []
    for pk in ids:
        # The lease doubles as the claim's token: later updates only apply while it is ours.
        lease = timezone.now() + dt.timedelta(
            seconds=settings.WORKER_LEASE_SECONDS, microseconds=random.randrange(1000)
        )
        won = OutboundEmail.objects.filter(free, pk=pk, state=EmailState.PENDING).update(lease_until=lease)
        if won:
            claimed.append((OutboundEmail.objects.get(pk=pk), lease))
    return claimed


def _process(
    email: OutboundEmail, lease: dt.datetime, connection, held: dict[int, tuple[OutboundEmail, dt.datetime]]
) -> int:
    """Send ``email``, or skip it or put it back for later; returns 1 if a message went. ``held``:
    the rest of this pass's claimed emails, from which those going in its message are taken."""
    others = _claim_others(email, held) if prepare.is_link_news(email) else []
    try:
        if others:
            outcome, theirs = prepare.together(email, [other for other, _ in others])
        else:
            outcome, theirs = prepare.prepare(email), {}
    except Exception as exc:  # a broken row must not stop the loop: it retries, then fails
        for other, their_lease in others:
            _mine(other, their_lease).update(lease_until=None)
        _retry_or_fail(email, lease, f"Rendering failed: {exc}", traceback=True)
        return 0
    riders = []
    for other, their_lease in others:
        theirs_now = theirs[other.pk]
        if isinstance(theirs_now, prepare.Ready):
            riders.append((other, their_lease, theirs_now))
        else:
            _settle(other, their_lease, theirs_now)
    if not isinstance(outcome, prepare.Ready):
        _settle(email, lease, outcome)
        return 0
    try:
        connection.open()  # once per pass: later messages reuse the open SMTP connection
        connection.send_messages([_message(outcome, email)])
    except Exception as exc:  # SMTP and socket errors alike are worth another try
        connection.close()
        error = f"{type(exc).__name__}: {exc}"
        _retry_or_fail(email, lease, error)
        for other, their_lease, _ in riders:  # they went in that message: they retry with it
            _retry_or_fail(other, their_lease, error)
        return 0
    _sent(email, lease, outcome)
    for other, their_lease, ready in riders:
        _sent(other, their_lease, ready)
    return 1


def _claim_others(
    email: OutboundEmail, held: dict[int, tuple[OutboundEmail, dt.datetime]]
) -> list[tuple[OutboundEmail, dt.datetime]]:
    """The same person's other link news for the series of ``email``'s session or for sessions with
    its host and title, due yet or not: taken from ``held`` (this pass's) or claimed as ``_claim``
    claims (those another worker holds are left to it). They go in one message with ``email``
    (``prepare.together``), those about the same people."""
    about = (
        Session.objects.filter(pk=email.session_id or 0).values("series_id", "consultant_id", "title").first()
    )
    if about is None:
        return []
    siblings = Q(session__consultant_id=about["consultant_id"], session__title=about["title"])
    if about["series_id"] is not None:
        siblings |= Q(session__series_id=about["series_id"])
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    same_person = Q(client_id=email.client_id) if email.client_id else Q(member_id=email.member_id)
    candidates = (
        OutboundEmail.objects.filter(
            same_person,
            siblings,
            kind="updated",
            state=EmailState.PENDING,
            context__event="link_ready",
        )
        .exclude(pk=email.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    claimed = []
    for pk in candidates:
        if pk in held:
            claimed.append(held.pop(pk))
            continue
        lease = now + dt.timedelta(seconds=settings.WORKER_LEASE_SECONDS, microseconds=random.randrange(1000))
        if OutboundEmail.objects.filter(free, pk=pk, state=EmailState.PENDING).update(lease_until=lease):
            claimed.append((OutboundEmail.objects.get(pk=pk), lease))
    return claimed


def _settle(email: OutboundEmail, lease: dt.datetime, outcome: "prepare.Skip | prepare.Defer") -> None:
    """A claimed email that is not sent now: skipped for good, or back in the queue until later."""
    if isinstance(outcome, prepare.Skip):
        _finish(email, lease, state=EmailState.SKIPPED, last_error=outcome.reason)
    else:
        _mine(email, lease).update(not_before=outcome.until, lease_until=None)


def _sent(email: OutboundEmail, lease: dt.datetime, ready: "prepare.Ready") -> None:
    _finish(
        email,
        lease,
        state=EmailState.SENT,
        sent_at=timezone.now(),
        attempts=email.attempts + 1,
        last_error="",
        subject=ready.subject[:300],
        body_text=ready.text,
        body_html=ready.html,
        ics=ready.ics,
        context=ready.context if ready.context is not None else email.context,
    )


ORG_HEADER = "X-SessionDesk-Organization"
SESSION_HEADER = "X-SessionDesk-Session"


def _message(ready: "prepare.Ready", email: OutboundEmail) -> EmailMultiAlternatives:
    # The headers let the development mailbox show each member only what they may see elsewhere.
    headers = {}
    if email.org_id:
        headers[ORG_HEADER] = str(email.org_id)
    if email.session_id:
        headers[SESSION_HEADER] = str(email.session_id)
    message = EmailMultiAlternatives(
        ready.subject, ready.text, settings.DEFAULT_FROM_EMAIL, [ready.to], headers=headers
    )
    if ready.html:
        message.attach_alternative(ready.html, "text/html")
    if ready.ics:
        message.attach("invite.ics", ready.ics, f"text/calendar; method={ready.ics_method}")
    return message


def _mine(email: OutboundEmail, lease: dt.datetime):
    return OutboundEmail.objects.filter(pk=email.pk, lease_until=lease)


def _finish(email: OutboundEmail, lease: dt.datetime, **fields) -> None:
    _mine(email, lease).update(lease_until=None, **fields)


def _retry_or_fail(email: OutboundEmail, lease: dt.datetime, error: str, traceback: bool = False) -> None:
    """Count the failed attempt and retry later or give up; one log line says which (with the delay)."""
    attempts = email.attempts + 1
    said = "email %s to %s failed, attempt %s of %s: %s; "
    args = (email.pk, email.to, attempts, MAX_ATTEMPTS, error)
    extra = {"email_id": email.pk, "session_id": email.session_id, "attempt": attempts}
    if attempts >= MAX_ATTEMPTS:
        _finish(email, lease, state=EmailState.FAILED, attempts=attempts, last_error=error)
        log.error(said + "given up, it stays failed", *args, extra=extra, exc_info=traceback)
        return
    delay = backoff(attempts)
    _finish(email, lease, attempts=attempts, last_error=error, not_before=timezone.now() + delay)
    extra["retry_in_seconds"] = round(delay.total_seconds())
    log.warning(said + "retry in %.0f s", *args, delay.total_seconds(), extra=extra, exc_info=traceback)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … up to 2 h, with up to 10% jitter so retries do not bunch up."""
    delay = min(BASE_DELAY * 2 ** (attempts - 1), MAX_DELAY)
    return delay * (1 + random.random() / 10)
