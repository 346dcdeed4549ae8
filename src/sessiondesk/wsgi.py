"""The WSGI application, loaded whole before the first request.

Django imports the URLconf (and with it every view, the API and its schema) on the first request;
doing it here makes the first request as quick as the rest. Everything loaded so far lives as long
as the process, so it is then moved out of the garbage collector's sight (``gc.freeze``): a full
collection otherwise walks those ~100,000 objects, a pause of tens of milliseconds in whichever
request triggers it.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sessiondesk.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  (imports the URLconf)
gc.freeze()
