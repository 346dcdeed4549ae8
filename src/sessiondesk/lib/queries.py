"""Small query helpers for the hot paths (a booking, an API call)."""

from django.db.models import Model, QuerySet


def unique_or_none[M: Model](queryset: QuerySet[M]) -> M | None:
    """The row of a lookup that matches at most one row (a primary or unique key), or None.

    ``first()`` without its ``ORDER BY``: one row needs no order, and Django compiles an ordered
    query at a cost for every column it selects (a fifth of a query's compiling time for a row with
    its related rows joined).
    """
    return next(iter(queryset.order_by()[:1]), None)
