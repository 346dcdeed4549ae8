"""The Zoom Users page's list: search and filters over the synced directory."""

from typing import Any

from django.db.models import Q, QuerySet

from sessiondesk.accounts.models import Organization
from sessiondesk.integrations.zoom.directory.models import DirectoryUser

PAGE_SIZE = 50
# Unique within an organisation (one row per email), so the order is stable for keyset pages.
ORDER = ("email", "pk")


def users(org: Organization, filters: dict[str, Any]) -> QuerySet[DirectoryUser]:
    found = DirectoryUser.objects.filter(org=org)
    text = (filters.get("q") or "").strip()
    if text:
        found = found.filter(
            Q(email__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
        )
    if filters.get("status"):
        found = found.filter(status=filters["status"])
    if filters.get("type") is not None:
        found = found.filter(user_type=filters["type"])
    if filters.get("role"):
        found = found.filter(role_id=filters["role"])
    if filters.get("group"):
        found = found.filter(memberships__group__zoom_group_id=filters["group"])
    if filters.get("linked") == "yes":
        found = found.exclude(member=None)
    elif filters.get("linked") == "no":
        found = found.filter(member=None)
    return found.select_related("member__user").prefetch_related("memberships__group", "queued_changes")
