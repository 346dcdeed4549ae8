"""The development mailbox page: the emails the embedded instance "sent", readable in the browser.

Shown only when ``settings.DEV_MAILBOX`` is on (``sessiondesk up``) and only to signed-in members,
each of whom reads only what they may see elsewhere: a client's email carries signed links that open
the client's booking.
"""

import datetime as dt
from collections.abc import Callable
from email import message_from_string, policy
from email.message import EmailMessage
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from sessiondesk.accounts.decorators import member_required
from sessiondesk.accounts.models import Member
from sessiondesk.lib import keyset
from sessiondesk.notifications.models import MailboxMessage
from sessiondesk.scheduling.visibility import sessions_for

PAGE_SIZE = 50
MESSAGE_ORDER = ("-created_at", "-id")

# The email's own HTML runs in a sandboxed frame: no scripts, no forms, nothing loaded from outside.
HTML_FRAME_CSP = "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def mailbox_enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.DEV_MAILBOX:
            raise Http404("The development mailbox is off: emails go out through SMTP.")
        return view(request, *args, **kwargs)

    return wrapper


def _parse(row: MailboxMessage) -> EmailMessage:
    return message_from_string(row.raw, policy=policy.default)  # type: ignore[return-value]


def _body(parsed: EmailMessage, kind: str) -> str:
    part = parsed.get_body(preferencelist=(kind,))
    return part.get_content() if part is not None else ""


def _attachments(parsed: EmailMessage) -> list[EmailMessage]:
    return list(parsed.iter_attachments())  # type: ignore[arg-type]


def _received(moment: dt.datetime) -> str:
    if timezone.now() - moment < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


def _invite_label(raw: str) -> str:
    if "text/calendar" not in raw:
        return ""
    return "Cancellation" if 'method="CANCEL"' in raw or "METHOD:CANCEL" in raw else "Invite"


def visible(request: HttpRequest) -> QuerySet[MailboxMessage]:
    """Owners and admins read every email of their organisation; everyone else the emails about the
    sessions they may see. Everyone reads the emails addressed to themselves (password resets)."""
    member: Member = request.member  # type: ignore[attr-defined]
    own = Q(to__iexact=member.email) & (Q(org=member.org_id) | Q(org=None))
    if member.is_admin:
        return MailboxMessage.objects.filter(Q(org=member.org_id) | own)
    sessions = sessions_for(member).values("pk")
    return MailboxMessage.objects.filter(Q(org=member.org_id, session__in=sessions) | own)


@mailbox_enabled
@member_required
def mailbox(request: HttpRequest) -> HttpResponse:
    rows = visible(request)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(Q(to__icontains=query) | Q(subject__icontains=query))
    page, status = keyset.page_for(request, rows, MESSAGE_ORDER, size=PAGE_SIZE)
    for row in page:
        row.invite = _invite_label(row.raw)  # type: ignore[attr-defined]
        row.received = _received(row.created_at)  # type: ignore[attr-defined]
    context = {"page": page, "query": query, "address_query": keyset.query_without_cursor(request)}
    return render(request, "notifications/mailbox/list.html", context, status=status)


@mailbox_enabled
@member_required
def mailbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(visible(request), pk=pk)
    parsed = _parse(row)
    attachments = [
        {
            "index": i,
            "name": part.get_filename() or f"attachment-{i + 1}",
            "type": part.get_content_type(),
            "text": part.get_content() if part.get_content_maintype() == "text" else "",
        }
        for i, part in enumerate(_attachments(parsed))
    ]
    newer = visible(request).filter(pk__gt=row.pk).order_by("pk").first()
    older = visible(request).filter(pk__lt=row.pk).order_by("-pk").first()
    context = {
        "row": row,
        "headers": [
            (name, str(parsed[name]).strip()) for name in ("From", "To", "Subject", "Date") if parsed[name]
        ],
        "text": _body(parsed, "plain"),
        "has_html": bool(_body(parsed, "html")),
        "attachments": attachments,
        "show": request.GET.get("show") or ("html" if _body(parsed, "html") else "text"),
        "newer": newer,
        "older": older,
    }
    return render(request, "notifications/mailbox/message.html", context)


@mailbox_enabled
@member_required
@xframe_options_sameorigin
def mailbox_html(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(visible(request), pk=pk)
    html = _body(_parse(row), "html")
    # Links open in a new tab instead of inside the frame.
    response = HttpResponse('<base target="_blank">' + html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_FRAME_CSP
    return response


@mailbox_enabled
@member_required
def mailbox_attachment(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    row = get_object_or_404(visible(request), pk=pk)
    parts = _attachments(_parse(row))
    if index >= len(parts):
        raise Http404("No such attachment.")
    part = parts[index]
    payload = part.get_payload(decode=True) or b""
    name = (part.get_filename() or f"attachment-{index + 1}").replace('"', "")
    response = HttpResponse(payload, content_type=part.get_content_type())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@mailbox_enabled
@member_required
@require_POST
def mailbox_clear(request: HttpRequest) -> HttpResponse:
    deleted, _ = visible(request).delete()
    messages.success(request, f"Deleted {deleted} email{'s' if deleted != 1 else ''} from the mailbox.")
    return redirect("mailbox")
