"""Per-member API tokens: the raw value is shown once; only its SHA-256 is stored."""

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import ApiToken, Member, hash_api_token
from sessiondesk.lib.queries import unique_or_none

TOKEN_PREFIX = "sd_"
# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def create_token(member: Member, name: str, *, actor: Member | None = None) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            member=member, name=name.strip(), prefix=raw[:10], token_hash=hash_api_token(raw)
        )
        audit.record(member.org, actor or member, "api_token.created", token, name=token.name)
    return token, raw


def authenticate(raw: str) -> Member | None:
    """The active member a raw token belongs to, or None."""
    if not raw:
        return None
    token = unique_or_none(
        ApiToken.objects.select_related("member__org", "member__user").filter(
            token_hash=hash_api_token(raw), member__is_active=True, member__user__is_active=True
        )
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        # A conditional update: concurrent requests write at most once per minute, and a request
        # whose token was used in the last minute does not write at all.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ApiToken.objects.filter(pk=token.pk).filter(stale).update(last_used_at=now)
    return token.member


def revoke_token(member: Member, token_id: int, *, actor: Member | None = None) -> bool:
    """Delete one of the member's own tokens; False when it is not theirs (or already gone)."""
    with transaction.atomic():
        token = ApiToken.objects.filter(pk=token_id, member=member).first()
        if token is None:
            return False
        audit.record(member.org, actor or member, "api_token.revoked", token, name=token.name)
        token.delete()
    return True
