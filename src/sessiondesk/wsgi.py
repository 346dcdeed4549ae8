"""The WSGI application, loaded whole before the first request.

Django imports the URLconf (and with it every view, the API and its schema) on the first request;
doing it here makes the first request as quick as the rest. So does computing, once, what the first
booking would otherwise work out on first use: the time zone names, and the email address patterns
(Django compiles its internationalised domain pattern when an address is first checked, about a
hundred milliseconds on a slow core). Everything loaded so far lives as long as the process, so it
is then moved out of the garbage collector's sight (``gc.freeze``): a full collection otherwise
walks those ~100,000 objects, a pause of tens of milliseconds in whichever request triggers it.
"""

import gc
import os

from django.core.validators import EmailValidator
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from sessiondesk.lib.zones import known_zones

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sessiondesk.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  (imports the URLconf)


def _compute_first_use() -> None:
    known_zones()
    for pattern in (EmailValidator.user_regex, EmailValidator.domain_regex, EmailValidator.literal_regex):
        pattern.pattern  # noqa: B018  (compiles it)


_compute_first_use()
gc.freeze()
