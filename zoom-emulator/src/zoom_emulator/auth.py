"""Bearer-token authentication and per-endpoint scope checks for /v2."""

from .context import Ctx
from .http import ZoomError
from .routing import Scopes
from .users.models import User

INVALID = ZoomError(401, 124, "Invalid access token.")


def authenticate(ctx: Ctx) -> None:
    header = ctx.request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ZoomError(401, 124, "Invalid access token.")
    token = ctx.state.access_tokens.get(value.strip())
    if token is None or token.revoked or token.client_id not in ctx.state.apps:
        raise ZoomError(401, 124, "Invalid access token.")
    ctx.token = token
    ctx.log.update(account_id=token.account_id, user_id=token.user_id, client_id=token.client_id)
    if token.expires_at <= ctx.now:
        raise ZoomError(401, 124, "Access token is expired.")


def has_any(granted: list[str], wanted: tuple[str, ...]) -> bool:
    for scope in wanted:
        if scope in granted:
            return True
        if scope.endswith(":admin") and scope[: -len(":admin")] + ":master" in granted:
            return True
    return False


def require(ctx: Ctx, scopes: Scopes, on_self: bool) -> None:
    """Zoom: 400 {"code":4711,"message":"Invalid access token, does not contain scopes:[user:read:list_users:admin]."}"""
    assert ctx.token is not None
    granted = ctx.token.scopes
    allowed = (scopes.user + scopes.admin) if on_self else scopes.admin
    if not allowed or has_any(granted, allowed):
        return
    missing = scopes.granular_user() if on_self else scopes.granular_admin()
    raise ZoomError(400, 4711, f"Invalid access token, does not contain scopes:[{missing}].")


def resolve_user(ctx: Ctx, raw: str, scopes: Scopes | None = None) -> User:
    """Find the user a path names (`me`, an id or an email) and check the caller may act on them."""
    assert ctx.token is not None
    state = ctx.state
    user: User | None
    if raw == "me":
        # S2S tokens act for no user; Zoom says not to use `me` with them, and answers for the
        # account's owner (the app's creator in practice), which is what we do.
        user = state.users.get(ctx.token.user_id) if ctx.token.user_id else state.owner_of(ctx.account_id)
    elif "@" in raw:
        user = state.user_by_email(raw)
    else:
        user = state.users.get(raw)
    if user is None or user.account_id != ctx.account_id:
        raise ZoomError(404, 1001, f"User does not exist: {raw}.")
    require(ctx, scopes or ctx.route.scopes, on_self=user.id == ctx.token.user_id)
    return user
