from ninja import NinjaAPI

from sessiondesk.api import calendars, clients, errors, export, members, sessions, slots
from sessiondesk.api.auth import auth
from sessiondesk.api.docs import LocalSwagger

DESCRIPTION = """The SessionDesk API: sessions, calendars, clients and free slots of your organisation.

Authenticate with a personal API token from your settings page: `Authorization: Bearer <token>`.
Times are ISO 8601 with a UTC offset; responses give them in UTC. Errors are JSON:
`{"detail": "<message>", "field": "<the field at fault, or null>"}`.
"""

api = NinjaAPI(
    title="SessionDesk",
    version="v1",
    description=DESCRIPTION,
    auth=auth,
    docs=LocalSwagger(),
    urls_namespace="api",
)
errors.install(api)
api.add_router("/sessions", sessions.router)
api.add_router("/calendars", calendars.router)
api.add_router("/calendars", slots.router)
api.add_router("/clients", clients.router)
api.add_router("/", members.router)
api.add_router("/", export.router)
