"""Session types (Lesson, Consultation, …): admins manage them; everyone picks them on sessions."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from sessiondesk.accounts import audit
from sessiondesk.accounts.decorators import admin_required
from sessiondesk.accounts.middleware import MemberRequest
from sessiondesk.scheduling.forms.session_types import SessionTypeForm
from sessiondesk.scheduling.models import SessionType


@admin_required
def session_type_list(request: MemberRequest) -> HttpResponse:
    types = (
        SessionType.objects.filter(org=request.org)
        .annotate(
            session_count=Count("sessions", distinct=True), calendar_count=Count("calendars", distinct=True)
        )
        .order_by("name")
    )
    return render(request, "scheduling/session_types/list.html", {"types": types})


@admin_required
def session_type_create(request: MemberRequest) -> HttpResponse:
    return _edit(request, SessionType(org=request.org))


@admin_required
def session_type_edit(request: MemberRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(SessionType, org=request.org, pk=pk))


def _edit(request: MemberRequest, session_type: SessionType) -> HttpResponse:
    creating = session_type.pk is None
    form = SessionTypeForm(request.POST or None, instance=session_type, org_id=session_type.org_id)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            action = "session_type.created" if creating else "session_type.updated"
            audit.record(saved.org, request.member, action, saved, fields=sorted(form.changed_data))
            messages.success(request, f"Saved the session type “{saved.name}”.")
            return redirect("session_type_list")
        status = 400
    else:
        status = 200
    context = {"form": form, "session_type": None if creating else session_type}
    return render(request, "scheduling/session_types/form.html", context, status=status)
