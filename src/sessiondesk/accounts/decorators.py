"""Gates for views: every page that shows organisation data goes through one of these."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from sessiondesk.accounts.models import Member

View = Callable[..., HttpResponse]


def _gate(check: Callable[[Member], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            member = getattr(request, "member", None)
            if member is None or not check(member):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


member_required = _gate(lambda member: True)
manager_required = _gate(lambda member: member.manages_org)
admin_required = _gate(lambda member: member.is_admin)
