"""Per-member API tokens: the raw value is shown once; only its SHA-256 is stored."""

import datetime as dt
import secrets
from functools import cache

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from sessiondesk.accounts import audit
from sessiondesk.accounts.models import ApiToken, Member, User, hash_api_token
from sessiondesk.lib.rows import related_instances, select_related

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
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor), [hash_api_token(raw), True, True])
        found = related_instances(ApiToken, _WITH, cursor.fetchall())
    if not found:
        return None
    token = found[0]
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        # A conditional update: concurrent requests write at most once per minute, and a request
        # whose token was used in the last minute does not write at all.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ApiToken.objects.filter(pk=token.pk).filter(stale).update(last_used_at=now)
    return token.member


_WITH = ("member__org", "member__user")


@cache
def _token_sql(vendor: str) -> str:
    """The token by its hash, with its member, organisation and user, as ``select_related`` would read
    them; built once (the ORM spends ten times the query's cost building it, on every API call)."""
    quote = connection.ops.quote_name
    token, member, user = (quote(m._meta.db_table) for m in (ApiToken, Member, User))
    active = quote("is_active")
    return (
        f"{select_related(ApiToken, *_WITH)} "
        f"WHERE {token}.{quote('token_hash')} = %s AND {member}.{active} = %s AND {user}.{active} = %s"
    )


def revoke_token(member: Member, token_id: int, *, actor: Member | None = None) -> bool:
    """Delete one of the member's own tokens; False when it is not theirs (or already gone)."""
    with transaction.atomic():
        token = ApiToken.objects.filter(pk=token_id, member=member).first()
        if token is None:
            return False
        audit.record(member.org, actor or member, "api_token.revoked", token, name=token.name)
        token.delete()
    return True
