from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sessiondesk.accounts import audit_sentences
from sessiondesk.accounts.decorators import admin_required
from sessiondesk.accounts.models import AuditEntry, Member
from sessiondesk.accounts.views.helpers import current_member

PAGE_SIZE = 50


@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    viewer = current_member(request)
    org = viewer.org
    entries = AuditEntry.objects.filter(org=org).select_related("actor__user")
    action = request.GET.get("action", "")
    actor_id = request.GET.get("member", "")
    if action:
        entries = entries.filter(action=action)
    if actor_id.isdigit():
        entries = entries.filter(actor_id=int(actor_id))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.sentence = audit_sentences.sentence(entry, viewer.timezone)  # type: ignore[attr-defined]
        entry.detail_lines = audit_sentences.detail_lines(entry)  # type: ignore[attr-defined]
    actions = (
        AuditEntry.objects.filter(org=org).order_by("action").values_list("action", flat=True).distinct()
    )
    context = {
        "page": page,
        "actions": [(name, audit_sentences.action_label(name)) for name in actions],
        "people": Member.objects.filter(org=org).select_related("user"),
        "selected_action": action,
        "selected_member": actor_id,
        "query": _query_without_page(request),
    }
    return render(request, "accounts/audit_log.html", context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
