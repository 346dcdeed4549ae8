from django.http import JsonResponse
from django.views.decorators.http import require_GET

from sessiondesk.accounts import pickers
from sessiondesk.accounts.decorators import manager_required
from sessiondesk.accounts.middleware import MemberRequest


@require_GET
@manager_required
def members(request: MemberRequest) -> JsonResponse:
    options, more = pickers.find_members(request.member, request.GET.get("q", ""))
    return JsonResponse({"results": [option.as_json() for option in options], "more": more})
