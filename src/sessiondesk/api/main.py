from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from sessiondesk.api import calendars, clients, errors, export, members, sessions, slots
from sessiondesk.api.auth import auth
from sessiondesk.api.docs import LocalSwagger

DESCRIPTION = """The SessionDesk API: sessions, calendars, clients and free slots of your organisation.

Authenticate with a personal API token from your settings page: `Authorization: Bearer <token>`.
Times are ISO 8601 with a UTC offset; responses give them in UTC. Errors are JSON:
`{"detail": "<message>", "field": "<the field at fault, or null>"}`.
"""


class CompactJSON(JSONRenderer):
    """JSON without the spaces Python puts after each comma and colon: a tenth of a typical answer
    (a week of a round-robin calendar's slots, each naming its free members) for nothing a reader of
    the JSON needs."""

    json_dumps_params = {"separators": (",", ":")}


api = NinjaAPI(
    title="SessionDesk",
    version="v1",
    description=DESCRIPTION,
    auth=auth,
    docs=LocalSwagger(),
    urls_namespace="api",
    renderer=CompactJSON(),
)
errors.install(api)
api.add_router("/sessions", sessions.router)
api.add_router("/calendars", calendars.router)
api.add_router("/calendars", slots.router)
api.add_router("/clients", clients.router)
api.add_router("/", members.router)
api.add_router("/", export.router)
