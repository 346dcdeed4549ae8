"""What the client and host pickers offer: at most twenty matches, the people the asker books
most often and most lately first, then everyone else who matches, by name.

"Most often and most lately" is read from the asker's own recent sessions (the ones they host and
the ones they booked, ``RECENT_SESSIONS`` of each), so it costs the same with a year of sessions as
with a week. Visibility is the pages' own: ``scheduling.visibility`` for clients, ``host_choices``
for members.
"""

from collections import Counter

from django.db.models import Q, QuerySet

from sessiondesk.accounts.models import Member, Role
from sessiondesk.accounts.pickers import first_matches, member_option, search_members
from sessiondesk.lib.picker import Option
from sessiondesk.scheduling.models import Client, Session, SessionClient
from sessiondesk.scheduling.visibility import clients_for

RECENT_SESSIONS = 100
MAX_QUERY = 100


def client_option(client: Client) -> Option:
    return Option(client.pk, client.name, client.email)


def hosts(viewer: Member) -> QuerySet[Member]:
    """Who may be picked as a session's consultant: yourself as a consultant, any host as a manager."""
    found = Member.objects.filter(
        org_id=viewer.org_id, is_active=True, role__in=[Role.OWNER, Role.ADMIN, Role.CONSULTANT]
    )
    if not viewer.manages_org:
        found = found.filter(pk=viewer.pk)
    return found.select_related("user")


def _recent_sessions(viewer: Member) -> list[int]:
    hosted = Session.objects.filter(consultant=viewer).order_by("-start").values_list("pk", flat=True)
    booked = Session.objects.filter(booked_by=viewer).order_by("-pk").values_list("pk", flat=True)
    return sorted({*hosted[:RECENT_SESSIONS], *booked[:RECENT_SESSIONS]}, reverse=True)


def _ranked(pairs: list[tuple[int, int]]) -> list[int]:
    """Ids by how many of the sessions they are on, then by the latest of those sessions."""
    counts: Counter[int] = Counter()
    latest: dict[int, int] = {}
    for session_id, item_id in pairs:
        counts[item_id] += 1
        latest[item_id] = max(latest.get(item_id, 0), session_id)
    return sorted(counts, key=lambda item: (-counts[item], -latest[item]))


def recent_client_ids(viewer: Member) -> list[int]:
    sessions = _recent_sessions(viewer)
    pairs = SessionClient.objects.filter(session_id__in=sessions).values_list("session_id", "client_id")
    return _ranked(list(pairs))


def recent_host_ids(viewer: Member) -> list[int]:
    booked = Session.objects.filter(booked_by=viewer).order_by("-pk").values_list("pk", "consultant_id")
    return _ranked(list(booked[:RECENT_SESSIONS]))


def search_clients(clients: QuerySet[Client], text: str) -> QuerySet[Client]:
    for word in text.split():
        clients = clients.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(phone__icontains=word)
        )
    return clients


def find_clients(viewer: Member, text: str) -> tuple[list[Option], bool]:
    matching = search_clients(clients_for(viewer), text[:MAX_QUERY])
    found, more = first_matches(matching, recent_client_ids(viewer), "name")
    return [client_option(c) for c in found], more


def find_hosts(viewer: Member, text: str) -> tuple[list[Option], bool]:
    matching = search_members(hosts(viewer), text[:MAX_QUERY])
    found, more = first_matches(matching, recent_host_ids(viewer), "user__name")
    return [member_option(m) for m in found], more


def chosen_clients(clients: QuerySet[Client], ids: list[int]) -> list[Option]:
    return [client_option(c) for c in clients.filter(pk__in=ids).order_by("name", "pk")]
