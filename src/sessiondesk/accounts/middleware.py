from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sessiondesk.accounts.models import Member, Organization


class MemberRequest(HttpRequest):
    """The type of a request that passed a member gate (``accounts.decorators``): both are set."""

    member: Member
    org: Organization


class MembershipMiddleware:
    """Sets ``request.member`` (and ``request.org``) to the signed-in person's active membership."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = None  # type: ignore[attr-defined]
        request.org = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            member = (
                Member.objects.select_related("org", "user")
                .filter(user=request.user, is_active=True)
                .order_by("id")
                .first()
            )
            request.member = member  # type: ignore[attr-defined]
            request.org = member.org if member else None  # type: ignore[attr-defined]
        return self.get_response(request)
