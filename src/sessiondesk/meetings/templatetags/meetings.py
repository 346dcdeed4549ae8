from typing import Any

from django import template

from sessiondesk.meetings.display import block_for, card_fix, card_notes
from sessiondesk.meetings.registrations import attendee_links
from sessiondesk.scheduling.models import Session

register = template.Library()


@register.inclusion_tag("meetings/_block_content.html", takes_context=True)
def meeting_block(context: template.Context, session: Session) -> dict[str, Any]:
    """``{% meeting_block session %}``: the live meeting block for the viewer in ``request.member``."""
    request = context.get("request")
    viewer = getattr(request, "member", None)
    block = block_for(session, viewer)
    # Read for every block (a page makes as many queries whatever the meeting's state), shown with a meeting.
    links = attendee_links(session)
    if block.kind not in ("ready", "updating", "waiting", "failed"):
        links = []
    return {
        "session": session,
        "block": block,
        "attendee_links": links,
        # One reason covers everyone with the shared link (a Basic host, the policy, old permissions).
        "shared_reason": next((a.reason for a in links if a.state == "shared" and a.reason), ""),
        "fix": card_fix(session, block, viewer),
        "notes": card_notes(session, viewer),
        "csrf_token": context.get("csrf_token"),
    }
