"""Weekly hours and date overrides. Everyone edits their own at /availability/; owners, admins and
staff edit anyone's in their organisation at /members/<id>/availability/."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sessiondesk.accounts import audit
from sessiondesk.accounts.decorators import manager_required, member_required
from sessiondesk.accounts.middleware import MemberRequest
from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.forms.availability import OverrideForm, Window, parse_week, week_from_rules
from sessiondesk.scheduling.models import AvailabilityRule, DateOverride, Weekday


def _target(request: MemberRequest, member_id: int | None) -> Member:
    if member_id is None:
        return request.member
    return get_object_or_404(Member.objects.select_related("user"), org=request.org, pk=member_id)


def _url(name: str, member_id: int | None, **kwargs: int) -> str:
    """The url of ``name`` on the member's own pages, or its ``member_`` twin for someone else's."""
    if member_id is None:
        return reverse(name, kwargs=kwargs or None)
    return reverse(f"member_{name}", kwargs={"member_id": member_id, **kwargs})


def describe(override: DateOverride) -> str:
    if override.start_time is None:
        return f"{override.date:%A %d %B %Y}, unavailable all day"
    return f"{override.date:%A %d %B %Y}, {override.start_time:%H:%M}\N{EN DASH}{override.end_time:%H:%M}"


def _render(
    request: MemberRequest,
    member: Member,
    member_id: int | None,
    week: dict[int, list[Window]],
    override_form: OverrideForm,
    status: int = 200,
    week_error: str = "",
) -> HttpResponse:
    today = dt.datetime.now(zoneinfo.ZoneInfo(member.timezone)).date()
    overrides = list(member.date_overrides.filter(date__gte=today).order_by("date", "start_time"))
    context = {
        "target": member,
        "is_self": member.pk == request.member.pk,
        "days": [(day, label, week[day]) for day, label in Weekday.choices],
        "overrides": [(describe(o), _url("override_delete", member_id, pk=o.pk)) for o in overrides],
        "override_form": override_form,
        "week_error": week_error,
        "save_url": _url("availability", member_id) if member_id else reverse("availability_edit"),
        "add_override_url": _url("override_add", member_id),
    }
    return render(request, "scheduling/availability/edit.html", context, status=status)


def _back(member_id: int | None) -> HttpResponse:
    return redirect(
        reverse("member_availability", args=[member_id]) if member_id else reverse("availability_edit")
    )


def _edit(request: MemberRequest, member_id: int | None) -> HttpResponse:
    member = _target(request, member_id)
    if request.method != "POST":
        return _render(request, member, member_id, week_from_rules(member), OverrideForm(member=member))
    week, rules, ok = parse_week(request.POST)
    if not ok:
        error = "Nothing was saved: fix the times marked below."
        return _render(
            request, member, member_id, week, OverrideForm(member=member), status=400, week_error=error
        )
    changed = save_week(request.member, member, rules)
    whose = "Your" if member.pk == request.member.pk else f"{member.name}'s"
    messages.success(request, f"{whose} weekly hours were saved." if changed else "Nothing changed.")
    return _back(member_id)


def save_week(actor: Member, member: Member, rules: list[tuple[int, dt.time, dt.time]]) -> bool:
    """Replace the member's weekly rules in one transaction; False when they were already so."""
    with transaction.atomic():
        # Two saves at once must not both delete and then both insert.
        Member.objects.select_for_update().get(pk=member.pk)
        current = list(member.availability.values_list("weekday", "start_time", "end_time"))
        if sorted(current) == sorted(rules):
            return False
        member.availability.all().delete()
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(member=member, weekday=day, start_time=start, end_time=end)
            for day, start, end in rules
        )
        audit.record(
            member.org,
            actor,
            "availability.updated",
            member,
            windows=[f"{Weekday(day).label} {start:%H:%M}-{end:%H:%M}" for day, start, end in rules],
        )
    return True


def _add_override(request: MemberRequest, member_id: int | None) -> HttpResponse:
    member = _target(request, member_id)
    form = OverrideForm(request.POST, member=member)
    if form.is_valid():
        with transaction.atomic():
            Member.objects.select_for_update().get(pk=member.pk)
            form.check_existing(list(member.date_overrides.filter(date=form.cleaned_data["date"])))
            if form.is_valid():
                data = form.cleaned_data
                override = DateOverride.objects.create(
                    member=member, date=data["date"], start_time=data["start_time"], end_time=data["end_time"]
                )
                audit.record(
                    member.org, request.member, "availability.override_added", member, override=str(override)
                )
    if not form.is_valid():
        return _render(request, member, member_id, week_from_rules(member), form, status=400)
    messages.success(request, f"Date override saved: {describe(override)}.")
    return _back(member_id)


def _delete_override(request: MemberRequest, member_id: int | None, pk: int) -> HttpResponse:
    member = _target(request, member_id)
    with transaction.atomic():
        override = DateOverride.objects.filter(member=member, pk=pk).first()
        if override is None:
            raise Http404
        override.delete()
        audit.record(
            member.org, request.member, "availability.override_removed", member, override=str(override)
        )
    messages.success(request, f"Date override removed: {describe(override)}.")
    return _back(member_id)


@member_required
def availability_edit(request: MemberRequest) -> HttpResponse:
    return _edit(request, None)


@manager_required
def member_availability(request: MemberRequest, member_id: int) -> HttpResponse:
    return _edit(request, member_id)


@require_POST
@member_required
def override_add(request: MemberRequest) -> HttpResponse:
    return _add_override(request, None)


@require_POST
@manager_required
def member_override_add(request: MemberRequest, member_id: int) -> HttpResponse:
    return _add_override(request, member_id)


@require_POST
@member_required
def override_delete(request: MemberRequest, pk: int) -> HttpResponse:
    return _delete_override(request, None, pk)


@require_POST
@manager_required
def member_override_delete(request: MemberRequest, member_id: int, pk: int) -> HttpResponse:
    return _delete_override(request, member_id, pk)


@member_required
def window_row(request: MemberRequest) -> HttpResponse:
    """An empty row for the weekly form (htmx "Add hours"); its response is ignored by "Remove"."""
    try:
        day = int(request.GET.get("day", ""))
    except ValueError:
        day = -1
    if day not in Weekday.values:
        return HttpResponse(status=400)
    return render(request, "scheduling/availability/_window.html", {"day": day, "window": Window()})
