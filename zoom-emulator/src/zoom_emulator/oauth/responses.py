"""OAuth endpoints on the zoom.us host: authorize (sign-in and consent), token, revoke, compliance."""

import base64
import binascii
from html import escape
from urllib.parse import urlencode

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..apps import App
from ..context import Ctx
from ..http import TokenError, json_response, params
from ..pages.html import error_page, hidden, page
from ..users.models import ADMIN_ROLE, OWNER_ROLE, User
from . import grants

AUTHORIZE_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def check_authorize(ctx: Ctx, args: dict[str, str]) -> tuple[App | None, str, Response | None]:
    app = ctx.state.apps.get(args.get("client_id", ""))
    if app is None or app.type == "s2s":
        return None, "", error_page("Invalid client_id", "Invalid client_id: the app does not exist.")
    redirect_uri = args.get("redirect_uri", "")
    if not redirect_uri and len(app.redirect_uris) == 1:
        redirect_uri = app.redirect_uris[0]
    if redirect_uri not in app.redirect_uris:
        # Zoom shows error 4709 instead of redirecting to an unregistered address.
        return None, "", error_page("Redirect URI mismatch", "4709: Redirect URI mismatch.")
    if args.get("response_type", "code") != "code":
        return None, "", error_page("Invalid request", "Unsupported response_type.")
    method = args.get("code_challenge_method", "")
    if args.get("code_challenge") and method.upper() not in ("S256", "PLAIN", ""):
        return None, "", error_page("Invalid request", "Unsupported code_challenge_method.")
    return app, redirect_uri, None


def authorize_page(ctx: Ctx) -> Response:
    args = dict(ctx.request.args.items())
    app, redirect_uri, failure = check_authorize(ctx, args)
    if failure is not None or app is None:
        assert failure is not None
        return failure
    return consent(ctx, app, {**args, "redirect_uri": redirect_uri}, "")


def consent(ctx: Ctx, app: App, args: dict[str, str], error: str) -> Response:
    users = sorted(
        (u for u in ctx.state.users.values() if u.status == "active"), key=lambda u: (u.account_id, u.email)
    )
    # Each cell of a row is a label of its choice: a click on the email or the role picks it too.
    choices = "".join(
        f'<tr><td><label><input type=radio name=user id="user-{n}" value="{escape(u.email)}"> {escape(u.name)}</label></td>'
        f'<td><label for="user-{n}">{escape(u.email)}</label></td>'
        f'<td><label for="user-{n}">{escape(role_name(ctx, u))}</label></td></tr>'
        for n, u in enumerate(users)
    )
    scopes = "".join(f"<li><code>{escape(s)}</code></li>" for s in app.scopes)
    kept = {k: args[k] for k in AUTHORIZE_FIELDS if args.get(k)}
    kind = "admin-managed" if app.type == "admin" else "user-managed"
    body = (
        (f"<p class=error>{escape(error)}</p>" if error else "")
        + f"<p><b>{escape(app.name or app.client_id)}</b> ({kind} app) would like to access your Zoom account.</p>"
        + f"<p>It asks for these scopes:</p><ul>{scopes}</ul>"
        + f'<form method=post action="/oauth/authorize">{hidden(kept)}'
        + f"<p>Sign in as a sandbox Zoom user:</p><table>{choices}</table>"
        + "<p><label>or type an email <input name=email type=email autocomplete=off></label></p>"
        + "<p><button name=decision value=allow>Allow</button> "
        + "<button class=secondary name=decision value=decline>Decline</button></p></form>"
    )
    return page("Sign in and authorize", body)


def role_name(ctx: Ctx, user: User) -> str:
    role = ctx.state.roles.get(user.role_id)
    return role.name if role else "Member"


def authorize_submit(ctx: Ctx) -> Response:
    args = dict(ctx.request.form.items())
    app, redirect_uri, failure = check_authorize(ctx, args)
    if failure is not None or app is None:
        assert failure is not None
        return failure
    back = {"state": args["state"]} if args.get("state") else {}
    if args.get("decision") != "allow":
        # Zoom's consent-denied redirect is undocumented; RFC 6749 access_denied is what clients expect.
        return redirect(with_query(redirect_uri, {"error": "access_denied", **back}), 302)
    user, error = pick_user(ctx, app, args.get("email") or args.get("user", ""))
    if user is None:
        return consent(ctx, app, {**args, "redirect_uri": redirect_uri}, error)
    code = grants.new_code(
        ctx.state,
        app,
        user.id,
        redirect_uri,
        args.get("code_challenge", ""),
        args.get("code_challenge_method", ""),
    )
    ctx.log.update(account_id=user.account_id, user_id=user.id, client_id=app.client_id)
    return redirect(with_query(redirect_uri, {"code": code, **back}), 302)


def pick_user(ctx: Ctx, app: App, who: str) -> tuple[User | None, str]:
    user = ctx.state.user_by_email(who.strip()) if who.strip() else None
    if user is None:
        user = ctx.state.users.get(who.strip())
    if user is None:
        return None, "Choose a sandbox Zoom user or type the email of one."
    if user.status != "active":
        return None, f"{user.email} is {user.status} and cannot sign in."
    if app.type == "admin" and user.role_id not in (OWNER_ROLE, ADMIN_ROLE):
        return None, "This app can only be installed by an account owner or admin."
    return user, ""


def with_query(url: str, query: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(query)


def client_from_request(ctx: Ctx, args: dict[str, str]) -> tuple[App, bool]:
    """Basic auth with client id and secret; PKCE public clients send only client_id."""
    header = ctx.request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id, secret = "", ""
        app = ctx.state.apps.get(client_id)
        if app is None or app.client_secret != secret:
            raise TokenError("Invalid client_id or client_secret", "invalid_client")
        return app, False
    app = ctx.state.apps.get(args.get("client_id", ""))
    if app is None:
        raise TokenError("Invalid client_id or client_secret", "invalid_client")
    if args.get("client_secret"):
        if args["client_secret"] != app.client_secret:
            raise TokenError("Invalid client_id or client_secret", "invalid_client")
        return app, False
    if args.get("grant_type") == "authorization_code" and args.get("code_verifier"):
        return app, True
    raise TokenError("Invalid client_id or client_secret", "invalid_client")


def token(ctx: Ctx) -> Response:
    args = params(ctx.request)
    try:
        app, public = client_from_request(ctx, args)
        ctx.log["client_id"] = app.client_id
        grant = args.get("grant_type", "")
        if grant == "authorization_code":
            body = grants.exchange_code(ctx.state, app, args, public)
        elif grant == "refresh_token":
            body = grants.refresh(ctx.state, app, args)
        elif grant == "account_credentials":
            body = grants.account_credentials(ctx.state, app, args)
        elif grant == "client_credentials":
            body = grants.client_credentials(ctx.state, app)
        elif not grant:
            raise TokenError("Missing grant_type", "invalid_request")
        else:
            raise TokenError("Unsupported grant type", "unsupported_grant_type")
    except TokenError as exc:
        return exc.response()
    issued = ctx.state.access_tokens[body["access_token"]]
    ctx.log.update(account_id=issued.account_id, user_id=issued.user_id)
    body["api_url"] = ctx.base_url
    return json_response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def revoke(ctx: Ctx) -> Response:
    args = params(ctx.request)
    try:
        app, _ = client_from_request(ctx, args)
    except TokenError as exc:
        return exc.response()
    value = args.get("token", "")
    found = ctx.state.access_tokens.get(value) or ctx.state.refresh_tokens.get(value)
    if found is None or found.client_id != app.client_id or found.revoked:
        return TokenError("Invalid Token!", "invalid_request").response()
    ctx.log.update(account_id=found.account_id, user_id=found.user_id, client_id=app.client_id)
    if found.user_id:
        grants.deauthorize(ctx.state, app, found.account_id, found.user_id)
    else:
        found.revoked = True
    return json_response({"status": "success"})


def compliance(ctx: Ctx) -> Response:
    """Deprecated by Zoom but still accepted; recorded so tests can see it was called."""
    try:
        app, _ = client_from_request(ctx, params(ctx.request))
    except TokenError as exc:
        return exc.response()
    body = ctx.request.get_json(silent=True) or {}
    ctx.state.compliance.append({"client_id": app.client_id, "at": ctx.now, "body": body})
    return json_response({}, 200)
