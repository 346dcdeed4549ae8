from django import template

from sessiondesk.integrations.zoom.connection import zoom_app

register = template.Library()


@register.simple_tag
def zoom_configured() -> bool:
    """The navigation shows Zoom pages only when Zoom is configured."""
    return zoom_app.enabled()
