"""The page a registrant's personal link opens: the token (``tk``) names who joins."""

from werkzeug.wrappers import Response

from ..context import Ctx
from ..http import is_digits
from ..pages.html import error_page
from ..runs import pages as run_pages
from . import actions


def join_personal(ctx: Ctx, meeting_id: str) -> Response:
    meeting = ctx.state.meetings.get(int(meeting_id)) if is_digits(meeting_id) else None
    if meeting is None or meeting.deleted_at is not None:
        return error_page("Meeting not found", f"Meeting {meeting_id} is not found or has expired.", 404)
    registrant = actions.by_token(ctx.state, meeting, ctx.request.args.get("tk", ""))
    if registrant is None:
        return error_page("Invalid link", "This registration link is not valid for this meeting.", 403)
    if registrant.status != "approved":
        return error_page(
            "Registration not approved",
            "Your registration for this meeting was cancelled or is not approved yet.",
            403,
        )
    # The join page, with the registrant's name and email filled in.
    return run_pages.join_form(ctx, meeting_id)
