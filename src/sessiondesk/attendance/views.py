"""The attendance card (refreshed live by htmx), staff corrections, and the attendance reports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sessiondesk.accounts import audit
from sessiondesk.accounts.decorators import admin_required, manager_required, member_required
from sessiondesk.accounts.models import Member
from sessiondesk.attendance import corrections, reports
from sessiondesk.attendance.display import card
from sessiondesk.attendance.models import AttendancePolicy, policy_of
from sessiondesk.lib.digits import is_digits
from sessiondesk.scheduling.models import Session


def session_for(request: HttpRequest, pk: int) -> Session:
    """404 outside the organisation; 403 for a consultant's colleague's session."""
    member: Member = request.member  # type: ignore[attr-defined]
    session = get_object_or_404(
        Session.objects.select_related("org", "consultant__user"), pk=pk, org=member.org
    )
    if not member.manages_org and not (
        session.consultant_id == member.pk or session.co_hosts.filter(pk=member.pk).exists()
    ):
        raise PermissionDenied
    return session


@member_required
def attendance_card(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    member: Member = request.member  # type: ignore[attr-defined]
    context = {
        "session": session,
        "can_correct": member.manages_org,
        "viewer_tz": member.timezone,
        **card(session),
    }
    return render(request, "attendance/_card.html", context)


@require_POST
@manager_required
def correct_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    try:
        corrections.correct_outcome(
            session,
            request.member,  # type: ignore[attr-defined]
            request.POST.get("outcome", ""),
            request.POST.get("note", ""),
        )
    except corrections.CorrectionError as exc:
        return render(request, "attendance/error.html", {"session": session, "message": str(exc)}, status=400)
    messages.success(request, "Outcome corrected. Later data from Zoom will not change it.")
    return redirect("session_detail", pk)


@require_POST
@manager_required
def correct_line(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk)
    raw = request.POST.get("minutes", "").strip()
    try:
        if not is_digits(raw):
            raise corrections.CorrectionError("Minutes present must be a whole number.")
        corrections.correct_line(session, request.member, request.POST.get("person", ""), int(raw))  # type: ignore[attr-defined]
    except corrections.CorrectionError as exc:
        return render(request, "attendance/error.html", {"session": session, "message": str(exc)}, status=400)
    messages.success(request, "Attendance corrected. Later data from Zoom will not change it.")
    return redirect("session_detail", pk)


@manager_required
def attendance_reports(request: HttpRequest) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    policy = PolicyForm(instance=policy_of(member.org))
    try:
        query = reports.Query.from_params(member.org, request.GET)
    except reports.QueryError as exc:
        context = {"error": str(exc), "query": None, "policy": policy}
        return render(request, "attendance/reports.html", context, status=400)
    if request.GET.get("format") == "csv":
        return reports.csv_response(query)
    return render(
        request, "attendance/reports.html", {"query": query, "table": reports.table(query), "policy": policy}
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = AttendancePolicy
        fields = ["grace_minutes", "email_staff_on_no_show"]
        labels = {
            "grace_minutes": "Grace period (minutes after the start)",
            "email_staff_on_no_show": "Email staff when a session ends in a no-show",
        }
        widgets = {"grace_minutes": forms.NumberInput(attrs={"min": 0, "max": 240, "class": "input-minutes"})}

    def clean_grace_minutes(self) -> int:
        value: int = self.cleaned_data["grace_minutes"]
        if value > 240:
            raise forms.ValidationError("At most 240 minutes.")
        return value


@require_POST
@admin_required
def attendance_policy(request: HttpRequest) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    policy = AttendancePolicy.objects.filter(org=member.org).first() or AttendancePolicy(org=member.org)
    before = {"grace_minutes": policy.grace_minutes, "email_staff_on_no_show": policy.email_staff_on_no_show}
    form = PolicyForm(request.POST, instance=policy)
    if not form.is_valid():
        query = reports.Query.from_params(member.org, request.GET)
        context = {"query": query, "table": reports.table(query), "policy": form}
        return render(request, "attendance/reports.html", context, status=400)
    with transaction.atomic():
        form.save()
        audit.record(member.org, member, "attendance.policy_changed", before=before, after=form.cleaned_data)
    messages.success(request, "Attendance settings saved.")
    return redirect("attendance_reports")
