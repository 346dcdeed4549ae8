from typing import Any

from django import template

from sessiondesk.attendance.display import card
from sessiondesk.scheduling.models import Session

register = template.Library()


@register.inclusion_tag("attendance/_card.html", takes_context=True)
def attendance_card(context: template.Context, session: Session) -> dict[str, Any]:
    member = context.get("request").member if context.get("request") else None  # type: ignore[union-attr]
    return {
        "session": session,
        "can_correct": bool(member and member.manages_org),
        "viewer_tz": member.timezone if member else "UTC",
        "csrf_token": context.get("csrf_token"),
        **card(session),
    }


@register.filter
def minutes(seconds: int | None) -> int:
    return round((seconds or 0) / 60)
