from typing import Any

from django import template

from sessiondesk.meetings.display import block_for, card_notes
from sessiondesk.scheduling.models import Session

register = template.Library()


@register.inclusion_tag("meetings/_block_content.html", takes_context=True)
def meeting_block(context: template.Context, session: Session) -> dict[str, Any]:
    """``{% meeting_block session %}``: the live meeting block for the viewer in ``request.member``."""
    request = context.get("request")
    viewer = getattr(request, "member", None)
    return {
        "session": session,
        "block": block_for(session, viewer),
        "notes": card_notes(session, viewer),
        "csrf_token": context.get("csrf_token"),
    }
