from django import template

from sessiondesk.integrations.zoom import conf

register = template.Library()


@register.simple_tag
def zoom_configured() -> bool:
    """The navigation shows Zoom pages only when Zoom is configured."""
    return conf.enabled()
