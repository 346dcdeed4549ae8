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
    try:
        for email, lease in claimed:
            sent += _process(email, lease, connection)
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


def _process(email: OutboundEmail, lease: dt.datetime, connection) -> int:
    try:
        outcome = prepare.prepare(email)
    except Exception as exc:  # a broken row must not stop the loop: it retries, then fails
        _retry_or_fail(email, lease, f"Rendering failed: {exc}", traceback=True)
        return 0
    if isinstance(outcome, prepare.Skip):
        _finish(email, lease, state=EmailState.SKIPPED, last_error=outcome.reason)
        return 0
    if isinstance(outcome, prepare.Defer):
        _mine(email, lease).update(not_before=outcome.until, lease_until=None)
        return 0
    try:
        connection.open()  # once per pass: later messages reuse the open SMTP connection
        connection.send_messages([_message(outcome, email)])
    except Exception as exc:  # SMTP and socket errors alike are worth another try
        connection.close()
        _retry_or_fail(email, lease, f"{type(exc).__name__}: {exc}")
        return 0
    _finish(
        email,
        lease,
        state=EmailState.SENT,
        sent_at=timezone.now(),
        attempts=email.attempts + 1,
        last_error="",
        subject=outcome.subject[:300],
        body_text=outcome.text,
        body_html=outcome.html,
        ics=outcome.ics,
        context=outcome.context if outcome.context is not None else email.context,
    )
    return 1


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
