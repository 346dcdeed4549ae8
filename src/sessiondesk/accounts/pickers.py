"""Member search for the pickers (``lib.picker``): at most ``LIMIT`` matches, favourites first."""

from django.db.models import Model, Q, QuerySet

from sessiondesk.accounts.models import Member
from sessiondesk.lib.picker import Option

LIMIT = 20
MAX_QUERY = 100


def member_option(member: Member) -> Option:
    return Option(member.pk, member.name, member.email)


def search_members(members: QuerySet[Member], text: str) -> QuerySet[Member]:
    for word in text[:MAX_QUERY].split():
        members = members.filter(Q(user__name__icontains=word) | Q(user__email__icontains=word))
    return members


def first_matches[T: Model](
    matching: QuerySet[T], favourites: list[int], name_field: str
) -> tuple[list[T], bool]:
    """Up to ``LIMIT`` of ``matching``: the ``favourites`` that match, in their order, then the
    rest by name; and whether more match than that."""
    known = {row.pk: row for row in matching.filter(pk__in=favourites[: LIMIT * 10])}
    first = [known[pk] for pk in favourites if pk in known][:LIMIT]
    rest = matching.exclude(pk__in=[row.pk for row in first]).order_by(name_field, "pk")
    found = first + list(rest[: LIMIT - len(first) + 1])
    return found[:LIMIT], len(found) > LIMIT


def find_members(viewer: Member, text: str) -> tuple[list[Option], bool]:
    """Anyone in the viewer's organisation, active or not (the audit log's "who")."""
    everyone = Member.objects.filter(org_id=viewer.org_id).select_related("user")
    found, more = first_matches(search_members(everyone, text), [], "user__name")
    return [member_option(m) for m in found], more


def chosen_members(members: QuerySet[Member], ids: list[int]) -> list[Option]:
    rows = members.filter(pk__in=ids).select_related("user").order_by("user__name", "pk")
    return [member_option(m) for m in rows]
