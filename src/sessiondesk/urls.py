from django.urls import include, path

from sessiondesk.api.main import api
from sessiondesk.integrations.zoom.directory import json_api as zoom_directory_api
from sessiondesk.integrations.zoom.pages import guide as zoom_guide

# Integrations add their endpoints to the JSON API here; the API itself names none.
api.add_router("/zoom/users", zoom_directory_api.router)

urlpatterns = [
    # Django tries the patterns in order. The API first: an API call would otherwise be checked
    # against every page's pattern (about 90) before its own. Then the sessions, calendars and public
    # booking pages, the ones most used, before the members' and settings pages.
    path("api/v1/", include("sessiondesk.api.urls")),
    path("", include("sessiondesk.scheduling.urls")),
    path("", include("sessiondesk.accounts.urls")),
    path("", include("sessiondesk.notifications.urls")),
    path("", include("sessiondesk.meetings.urls")),
    path("", include("sessiondesk.transfer.urls")),
    path("", include("sessiondesk.attendance.urls")),
    path("integrations/zoom/users/", include("sessiondesk.integrations.zoom.directory.urls")),
    path("integrations/zoom/", include("sessiondesk.integrations.zoom.urls")),
    # The public Zoom guide (no sign-in): the Zoom app listing's Documentation URL.
    path("help/zoom/", zoom_guide.zoom_guide, name="zoom_guide"),
    # Probes and metrics for operators (docs/deploy.md).
    path("", include("sessiondesk.ops.urls")),
]
