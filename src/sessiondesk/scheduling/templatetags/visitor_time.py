import datetime as dt

from django import template
from django.utils import timezone

from sessiondesk.scheduling.locales import DEFAULT, time_of_day

register = template.Library()


@register.filter
def clock(value: dt.datetime | None, locale: object = DEFAULT) -> str:
    """``{{ start|clock:visitor_locale }}``: the time of day in the active time zone, written as the
    visitor's locale writes it."""
    if value is None:
        return ""
    return time_of_day(timezone.localtime(value), str(locale) or DEFAULT)
