"""The call log: one CallAttempt row per provider call, so support can see what was sent and answered."""

from django.utils import timezone

from sessiondesk.lib.rows import insert
from sessiondesk.meetings.models import CallAttempt, MeetingLink

EXCERPT_CHARS = 2000


def record(
    link: MeetingLink | None,
    *,
    provider: str,
    operation: str,
    outcome: str,
    status: int | None = None,
    code: str = "",
    duration_ms: int = 0,
    excerpt: str = "",
) -> CallAttempt:
    """Log one call. ``outcome`` is "ok", "transient" or "permanent"; providers may call this for sub-calls."""
    attempt = CallAttempt(
        link=link,
        provider=provider,
        operation=operation,
        status=status,
        provider_code=str(code)[:20],
        outcome=outcome,
        duration_ms=max(0, duration_ms),
        excerpt=excerpt[:EXCERPT_CHARS],
        created_at=timezone.now(),
    )
    insert([attempt])  # one for every call to a provider: SQL built once
    return attempt
