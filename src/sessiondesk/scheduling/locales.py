"""How a visitor of the public pages writes a time of day: their browser's language (Accept-Language),
looked up in the Unicode CLDR data through Babel ("3:00 PM" for en-US, "15:00" for de-DE)."""

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_time
from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

DEFAULT = "en_US"


def visitor_locale(request: HttpRequest) -> str:
    """The first language the browser asks for that CLDR knows, as a Babel locale name."""
    header = request.headers.get("Accept-Language", "")[:500]
    for tag, _quality in parse_accept_lang_header(header):
        if tag == "*":
            continue
        try:
            return str(Locale.parse(tag, sep="-"))
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    return DEFAULT


def time_of_day(moment: dt.datetime, locale: str) -> str:
    """``moment``'s time of day in its own time zone, the locale's short way ("3:00 PM", "15:00")."""
    # CLDR puts a narrow no-break space before AM/PM; a plain no-break space shows in every font.
    return format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale).replace("\u202f", "\u00a0")
