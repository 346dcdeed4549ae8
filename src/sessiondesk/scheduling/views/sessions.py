"""Staff and consultant pages for sessions: list, week, card, schedule, edit, reschedule, cancel.

Consultants see their own sessions (as host or co-host); owners, admins and staff see the
organisation's. Every change goes through ``scheduling.actions``.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sessiondesk.accounts.decorators import member_required
from sessiondesk.accounts.models import Member
from sessiondesk.lib import keyset, picker
from sessiondesk.lib.digits import is_id
from sessiondesk.meetings import first_use, providers
from sessiondesk.meetings.display import block_for
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.errors import BookingError, HostMissing
from sessiondesk.scheduling.forms.sessions import (
    MAX_MINUTES,
    CancelForm,
    EditSessionForm,
    RescheduleForm,
    SessionFilterForm,
    SessionForm,
    host_choices,
    local_start,
)
from sessiondesk.scheduling.models import Session, SessionCoHost, SessionStatus
from sessiondesk.scheduling.visibility import sessions_for

PAGE_SIZE = 50
SESSION_ORDER = ("start", "pk")
LONGEST_SESSION = dt.timedelta(days=1)


def visible_sessions(member: Member) -> QuerySet[Session]:
    return (
        sessions_for(member)
        .select_related("consultant__user", "session_type", "booked_by__user")
        .prefetch_related("clients", "co_hosts__user", "meeting_links")
    )


def _session_for(request: HttpRequest, pk: int) -> Session:
    """The session if the viewer may see it: 404 outside the organisation, 403 for a colleague's."""
    member: Member = request.member  # type: ignore[attr-defined]
    session = get_object_or_404(Session, pk=pk, org=member.org)
    if not member.manages_org and not _takes_part(member, session):
        raise PermissionDenied
    return visible_sessions(member).get(pk=session.pk)


def _takes_part(member: Member, session: Session) -> bool:
    return session.consultant_id == member.pk or session.co_hosts.filter(pk=member.pk).exists()


def _with_meetings(sessions: Any, viewer: Member) -> list[Session]:
    sessions = list(sessions)
    for session in sessions:
        session.meeting = block_for(session, viewer)  # type: ignore[attr-defined]
    return sessions


def _viewer_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    member: Member = request.member  # type: ignore[attr-defined]
    tz = zoneinfo.ZoneInfo(member.timezone)
    return {"viewer_tz": member.timezone, "viewer_now": timezone.localtime(timezone=tz), **extra}


@member_required
def session_list(request: HttpRequest) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    form = SessionFilterForm(request.GET or None, member=member)
    sessions = _filtered(visible_sessions(member), form, member)
    page, status = keyset.page_for(request, sessions, SESSION_ORDER, size=PAGE_SIZE)
    context = _viewer_context(
        request,
        form=form,
        page=page,
        sessions=_with_meetings(page.items, member),
        filtered=bool(request.GET.keys() - set(keyset.CURSOR_PARAMS)),
        query=keyset.query_without_cursor(request),
    )
    template = (
        "scheduling/sessions/_results.html"
        if request.headers.get("HX-Request")
        else ("scheduling/sessions/list.html")
    )
    if form.is_bound and not form.is_valid():
        status = 400
    return render(request, template, context, status=status)


def _filtered(sessions: QuerySet[Session], form: SessionFilterForm, member: Member) -> QuerySet[Session]:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    status = data.get("status") or SessionStatus.SCHEDULED
    if status != "all":
        sessions = sessions.filter(status=status)
    if data.get("consultant"):
        sessions = sessions.filter(hosted_by(data["consultant"]))
    if data.get("client"):
        sessions = sessions.filter(clients=data["client"])
    tz = member.timezone
    start_date, end_date = data.get("start_date"), data.get("end_date")
    if start_date:
        sessions = ending_after(sessions, local_start(start_date, dt.time(0), tz))
    if end_date:
        sessions = sessions.filter(start__lt=local_start(end_date + dt.timedelta(days=1), dt.time(0), tz))
    if not start_date and not end_date:
        sessions = ending_after(sessions, timezone.now())
    return sessions


def ending_after(sessions: QuerySet[Session], moment: dt.datetime) -> QuerySet[Session]:
    """Sessions still running or yet to start at ``moment``. The bound on the start lets the
    (organisation, start) index begin a day before ``moment`` instead of reading a year of past
    sessions; the forms allow 12 hours at most, and no session runs for a day."""
    return sessions.filter(end__gt=moment, start__gt=moment - LONGEST_SESSION)


def hosted_by(member: Member) -> Q:
    """Sessions the member hosts or co-hosts, without a join that would need DISTINCT."""
    co_hosted = SessionCoHost.objects.filter(member=member).values("session_id")
    return Q(consultant=member) | Q(pk__in=co_hosted)


@member_required
def session_create(request: HttpRequest) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    if request.method == "POST" and picker.SEARCH_BUTTON in request.POST:
        form = SessionForm(initial=picker.initial_from(request.POST, ["clients"]), member=member)
        return render(request, "scheduling/sessions/create.html", _viewer_context(request, form=form))
    if request.method == "POST":
        first_use.done(request)  # a new submission replaces a form kept from connecting
        return save_new_session(request, member, request.POST)
    resumed = first_use.take(request)
    if resumed is not None:  # back from connecting the account that hosts it
        return save_new_session(request, member, resumed)
    form = SessionForm(member=member, initial=_prefill(request, member))
    return render(request, "scheduling/sessions/create.html", _viewer_context(request, form=form))


def _prefill(request: HttpRequest, member: Member) -> dict[str, Any]:
    """A time (and consultant) picked on the calendar: ``?start=…&end=…&consultant=…``, wall-clock
    times in the viewer's zone. Anything unreadable is left for the person to fill in."""
    initial: dict[str, Any] = {}
    tz = zoneinfo.ZoneInfo(member.timezone)
    try:
        start = dt.datetime.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        return initial
    start = start.astimezone(tz) if start.tzinfo else start
    initial["date"], initial["start_time"] = start.date(), start.time().replace(second=0, microsecond=0)
    try:
        end = dt.datetime.fromisoformat(request.GET.get("end", ""))
        end = end.astimezone(tz) if end.tzinfo else end
        minutes = int((end.replace(tzinfo=None) - start.replace(tzinfo=None)).total_seconds() // 60)
        if 5 <= minutes <= MAX_MINUTES:
            initial["duration_minutes"] = minutes
    except ValueError:
        pass
    raw = request.GET.get("consultant", "")
    if is_id(raw) and host_choices(member.org, member).filter(pk=int(raw)).exists():
        initial["consultant"] = int(raw)
    return initial


def save_new_session(request: HttpRequest, member: Member, data: QueryDict) -> HttpResponse:
    """Validate and schedule. A member who could host it with an account they have not connected
    yet is sent to connect it, once nothing else stands in the way; the form comes back with them
    (``meetings.first_use``)."""
    form = SessionForm(data, member=member)
    if form.is_valid():
        try:
            session = actions.schedule_session(
                member.org, form.draft(), actor=member, repeat=form.repeat_rule()
            )
        except HostMissing as missing:
            provider = providers.get(missing.provider)
            if not missing.actor_can_connect or provider is None:
                form.add_booking_error(missing)
            else:
                draft = first_use.draft_of(data)
                back = first_use.return_to(reverse("session_create"))
                return redirect(provider.connect_url(member, draft, return_to=back))
        except BookingError as error:
            form.add_booking_error(error)
        else:
            first_use.done(request)
            messages.success(request, _scheduled_message(session))
            return redirect("session_detail", pk=session.pk)
    return render(request, "scheduling/sessions/create.html", _viewer_context(request, form=form), status=400)


def _scheduled_message(session: Session) -> str:
    if session.series_id is None:
        return f"“{session.title}” is scheduled. Everyone on it will get an email."
    count = session.series.sessions.count()  # type: ignore[union-attr]
    return f"“{session.title}” is scheduled: {count} weekly sessions. Everyone on it will get an email."


@member_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    session = _session_for(request, pk)
    context = _viewer_context(
        request,
        session=session,
        series=_series_info(session),
        people_times=_people_times(session, member),
        cancel_form=CancelForm(session=session),
    )
    return render(request, "scheduling/sessions/detail.html", context)


def _series_info(session: Session) -> dict[str, Any] | None:
    if session.series_id is None:
        return None
    siblings = list(Session.objects.filter(series_id=session.series_id).order_by("series_index").values("pk"))
    pks = [s["pk"] for s in siblings]
    index = pks.index(session.pk)
    return {
        "series": session.series,
        "position": index + 1,
        "total": len(pks),
        "previous": pks[index - 1] if index else None,
        "next": pks[index + 1] if index + 1 < len(pks) else None,
    }


def _people_times(session: Session, viewer: Member) -> list[dict[str, Any]]:
    """The start in each participant's own time zone (other than the viewer's)."""
    people: list[tuple[str, str]] = [(session.consultant.name, session.consultant.timezone)]
    people += [(m.name, m.timezone) for m in session.co_hosts.all()]
    people += [(c.name, c.timezone) for c in session.clients.all()]
    return [
        {"name": name, "tz": tz, "start": session.start.astimezone(zoneinfo.ZoneInfo(tz))}
        for name, tz in people
        if tz != viewer.timezone
    ]


def _open_session(request: HttpRequest, pk: int) -> Session | HttpResponse:
    session = _session_for(request, pk)
    if session.is_cancelled:
        messages.warning(request, "This session is cancelled; schedule a new one instead.")
        return redirect("session_detail", pk=session.pk)
    return session


@member_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    session = _open_session(request, pk)
    if isinstance(session, HttpResponse):
        return session
    if request.method == "POST" and picker.SEARCH_BUTTON in request.POST:
        found = EditSessionForm(
            initial=picker.initial_from(request.POST, ["clients"]), member=member, session=session
        )
        context = _viewer_context(request, form=found, session=session)
        return render(request, "scheduling/sessions/edit.html", context)
    form = EditSessionForm(request.POST or None, member=member, session=session)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_session(session, form.changes(), actor=member, scope=form.chosen_scope)
            except BookingError as error:
                form.add_booking_error(error)
            else:
                changed = set(form.changed_data) - {"scope"}
                messages.success(request, "Changes saved." if changed else "Nothing changed.")
                return redirect("session_detail", pk=session.pk)
        context = _viewer_context(request, form=form, session=session)
        return render(request, "scheduling/sessions/edit.html", context, status=400)
    return render(
        request, "scheduling/sessions/edit.html", _viewer_context(request, form=form, session=session)
    )


@member_required
def session_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    session = _open_session(request, pk)
    if isinstance(session, HttpResponse):
        return session
    form = RescheduleForm(request.POST or None, member=member, session=session)
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = actions.reschedule_session(
                    session, start=form.start(), end=form.end(), actor=member, scope=form.chosen_scope
                )
            except BookingError as error:
                form.add_booking_error(error)
            else:
                local = timezone.localtime(moved.start, zoneinfo.ZoneInfo(member.timezone))
                when = f"{local:%A} {local.day} {local:%B at %H:%M %Z}"
                messages.success(request, f"Moved to {when}. Everyone on it will get an email.")
                return redirect("session_detail", pk=session.pk)
        context = _viewer_context(request, form=form, session=session)
        return render(request, "scheduling/sessions/reschedule.html", context, status=400)
    return render(
        request, "scheduling/sessions/reschedule.html", _viewer_context(request, form=form, session=session)
    )


@require_POST
@member_required
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    member: Member = request.member  # type: ignore[attr-defined]
    session = _session_for(request, pk)
    form = CancelForm(request.POST, session=session)
    if form.is_valid():
        try:
            actions.cancel_session(
                session, actor=member, reason=form.cleaned_data["reason"], scope=form.chosen_scope
            )
        except BookingError as error:
            form.add_booking_error(error)
        else:
            messages.success(request, f"“{session.title}” is cancelled. Everyone on it will get an email.")
            return redirect("session_detail", pk=session.pk)
    context = _viewer_context(request, form=form, session=session)
    return render(request, "scheduling/sessions/cancel.html", context, status=400)
