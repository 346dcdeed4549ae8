from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from sessiondesk.accounts.models import Member


def current_member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined]


def get_in_org[M: Model](request: HttpRequest, queryset: QuerySet[M], pk: int) -> M:
    """The object with ``pk`` in the viewer's organisation; another organisation's answers 404."""
    obj = queryset.filter(org=current_member(request).org, pk=pk).first()
    if obj is None:
        raise Http404
    return obj
