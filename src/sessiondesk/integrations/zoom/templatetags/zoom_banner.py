from typing import Any

from django import template

from sessiondesk.integrations.zoom.connection.reconnect import REMEDY, broken_for

register = template.Library()


@register.inclusion_tag("zoom/_banner.html", takes_context=True)
def zoom_banner(context: template.Context) -> dict[str, Any]:
    """The "reconnect Zoom" banner shown on every page while one of the viewer's connections is broken."""
    member = context.get("member")
    broken = list(broken_for(member)) if member is not None else []
    return {"broken": broken, "remedy": REMEDY}
