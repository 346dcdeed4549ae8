from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from sessiondesk.accounts import audit_sentences, pickers
from sessiondesk.accounts.decorators import admin_required
from sessiondesk.accounts.models import AuditEntry, Member, Organization
from sessiondesk.accounts.views.helpers import current_member
from sessiondesk.lib import keyset
from sessiondesk.lib.digits import is_digits, is_id
from sessiondesk.lib.picker import Picker

PAGE_SIZE = 50
# Newest first in the order recorded: the primary key, so a page is a short walk down its index.
ENTRY_ORDER = ("-id",)


def chosen_entries(org: Organization, request: HttpRequest) -> QuerySet[AuditEntry]:
    """The organisation's entries the page's filters choose (the page and its CSV): one action, one
    member (a number no member can have matches nothing, as an unknown one)."""
    entries = AuditEntry.objects.filter(org=org)
    action, actor_id = request.GET.get("action", ""), request.GET.get("member", "")
    if action:
        entries = entries.filter(action=action)
    if is_digits(actor_id):
        entries = entries.filter(actor_id=int(actor_id)) if is_id(actor_id) else entries.none()
    return entries


@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    viewer = current_member(request)
    entries = chosen_entries(viewer.org, request).select_related("actor__user")
    action = request.GET.get("action", "")
    actor_id = request.GET.get("member", "")
    page, status = keyset.page_for(request, entries, ENTRY_ORDER, size=PAGE_SIZE)
    for entry in page.items:
        entry.sentence = audit_sentences.sentence(entry, viewer.timezone)  # type: ignore[attr-defined]
        entry.detail_lines = audit_sentences.detail_lines(entry)  # type: ignore[attr-defined]
    # The actions SessionDesk writes sentences for, not a DISTINCT over the whole log.
    actions = sorted({*audit_sentences.SENTENCES, *([action] if action else [])})
    context = {
        "page": page,
        "actions": [(name, audit_sentences.action_label(name)) for name in actions],
        "who": _who_picker(request, viewer, actor_id),
        "selected_action": action,
        "query": keyset.query_without_cursor(request),
    }
    return render(request, "accounts/audit_log.html", context, status=status)


def _who_picker(request: HttpRequest, viewer: Member, actor_id: str) -> str:
    picker = Picker(multiple=False, noun="person", empty_label="Everyone")
    people = Member.objects.filter(org_id=viewer.org_id)
    picker.connect(
        search_url=reverse("pick_members"),
        chosen=lambda ids: pickers.chosen_members(people, ids),
        find=lambda text: pickers.find_members(viewer, text),
        data=request.GET,
        name="member",
    )
    return picker.render("member", actor_id, attrs={"id": "audit-member"})
