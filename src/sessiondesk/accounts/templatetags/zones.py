from django import template

from sessiondesk.lib.zones import zone_name as _zone_name

register = template.Library()


@register.filter
def zone_name(name: str) -> str:
    """``{{ member.timezone|zone_name }}``: "America/New York", as the time zone pickers write it."""
    return _zone_name(str(name))
