"""Zoom webhooks: verify, answer the URL challenge, store once, and hand slow work to the worker.

Reference: https://developers.zoom.us/docs/api/webhooks/
Zoom signs ``"v0:{x-zm-request-timestamp}:{raw body}"`` with HMAC-SHA256 under the app's secret
token and sends ``x-zm-signature: v0=<hex>``. The raw bytes are hashed, never re-serialised JSON
(Zoom sends some characters as ``\\uD83D`` escapes and others as raw UTF-8). Zoom retries only
after a 5xx or a transport error, and the same event may arrive twice, so each body is stored
once under a dedupe key and answered at once; the worker does the rest (``process_due``).
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sessiondesk.integrations.zoom.connection import deauthorize
from sessiondesk.integrations.zoom.models import WebhookEvent
from sessiondesk.integrations.zoom.webhooks.handlers import HANDLERS
from sessiondesk.worker import wakeup

log = logging.getLogger(__name__)

TOLERANCE_SECONDS = 300
# Epoch seconds; a seam so the recorded genuine requests can be checked at the time they were sent.
clock: Callable[[], float] = time.time


def signature(secret: str, timestamp: str, raw_body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + raw_body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str, signature_header: str, raw_body: bytes, now: float | None = None
) -> bool:
    """True for a genuine request signed within five minutes of ``now`` (epoch seconds)."""
    # Epoch seconds have 10 digits; a longer "number" is junk (and int() refuses huge ones).
    if not secret or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if not signature_header:
        return False
    now = clock() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, raw_body), signature_header)


def matching_secret(secrets: list[str], timestamp: str, signature_header: str, raw_body: bytes) -> str | None:
    """The configured secret token that signed this request (each Zoom app signs with its own)."""
    return next((s for s in secrets if verify(s, timestamp, signature_header, raw_body)), None)


def url_validation_answer(secret: str, plain_token: str) -> dict[str, str]:
    # {"plainToken": "…", "encryptedToken": hex(HMAC-SHA256(secret, plainToken))}, within 3 seconds.
    encrypted = hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}


def dedupe_key(event: str, raw_body: bytes) -> str:
    # Zoom's retries resend the same body (same event_ts); a new request id comes with each attempt.
    return f"{event[:100]}:{hashlib.sha256(raw_body).hexdigest()}"


def receive(event: str, body: dict[str, Any], raw_body: bytes) -> WebhookEvent | None:
    """Store a verified event once; None when it was already received. ``app_deauthorized`` drops
    the tokens right here, in the same transaction, so no later call can use them."""
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                dedupe_key=dedupe_key(event, raw_body), event=event[:100], payload=body
            )
            if event == "app_deauthorized":
                deauthorize.revoke_connections(body)
    except IntegrityError:
        return None
    if event in HANDLERS:
        wakeup.wake()
    return row


def due_ids(limit: int) -> list[int]:
    """The first ``limit`` unprocessed events that have a handler, oldest first. The worker looks on
    every pass, so the SQL is built once per database vendor: through the ORM, building the query
    cost several times running it."""
    events = list(HANDLERS)
    with connection.cursor() as cursor:
        cursor.execute(_due_sql(connection.vendor, len(events)), [*events, limit])
        return [int(row[0]) for row in cursor.fetchall()]


@cache
def _due_sql(vendor: str, events: int) -> str:
    quote = connection.ops.quote_name
    table = quote(WebhookEvent._meta.db_table)
    received, pk = f"{table}.{quote('received_at')}", f"{table}.{quote('id')}"
    return (
        f"SELECT {pk} FROM {table} WHERE {table}.{quote('processed_at')} IS NULL "
        f"AND {table}.{quote('event')} IN ({', '.join(['%s'] * events)}) "
        f"ORDER BY {received} ASC, {pk} ASC LIMIT %s"
    )


def process_due(limit: int) -> int:
    """Worker job: run the handler of each stored, unprocessed event (oldest first).

    A handler that raises is recorded as failed (processed, with its error) rather than retried
    forever: the sync engine's periodic sweep catches what a lost event would have told it."""
    done = 0
    for row_id in due_ids(limit):
        with transaction.atomic():
            row = (
                WebhookEvent.objects.select_for_update(skip_locked=True)
                .filter(pk=row_id, processed_at__isnull=True)
                .first()
            )
            if row is None:
                continue
            try:
                with transaction.atomic():
                    HANDLERS[row.event](row)
            except Exception as exc:  # one bad event must not stop the others
                log.exception("zoom webhook %s (%s) failed", row.pk, row.event)
                row.error = f"{type(exc).__name__}: {exc}"[:1000]
            row.processed_at = timezone.now()
            row.save(update_fields=["processed_at", "error"])
            done += 1
    return done
