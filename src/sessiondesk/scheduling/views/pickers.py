"""The pickers' JSON: matches as you type, and "new client" without leaving the form."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from sessiondesk.accounts.decorators import member_required
from sessiondesk.accounts.middleware import MemberRequest
from sessiondesk.lib.picker import Option
from sessiondesk.scheduling import pickers
from sessiondesk.scheduling.forms.clients import ClientForm


def _answer(found: tuple[list[Option], bool]) -> JsonResponse:
    options, more = found
    return JsonResponse({"results": [option.as_json() for option in options], "more": more})


@require_GET
@member_required
def clients(request: MemberRequest) -> JsonResponse:
    return _answer(pickers.find_clients(request.member, request.GET.get("q", "")))


@require_GET
@member_required
def hosts(request: MemberRequest) -> JsonResponse:
    return _answer(pickers.find_hosts(request.member, request.GET.get("q", "")))


@require_POST
@member_required
def client_new(request: MemberRequest) -> JsonResponse:
    """Adds a client from a name and an email, in the organisation's time zone; 400 with the
    form's messages when either is wrong or the email is taken."""
    data = {
        "name": request.POST.get("name", ""),
        "email": request.POST.get("email", ""),
        "timezone": request.org.timezone,
    }
    form = ClientForm(data, org=request.org)
    client = form.save_for(request.member) if form.is_valid() else None
    if client is None:
        errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse(pickers.client_option(client).as_json(), status=201)
