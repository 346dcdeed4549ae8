from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sessiondesk.scheduling.locales import visitor_locale


def visitor(request: HttpRequest) -> dict[str, Any]:
    """``visitor_locale`` for the public pages' times, read from the request only when a page uses it."""
    return {"visitor_locale": SimpleLazyObject(lambda: visitor_locale(request))}
