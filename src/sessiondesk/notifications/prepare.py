"""Send-time decisions for one claimed email: send it (rendered now), skip it, or wait a little."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sessiondesk.accounts.models import Member
from sessiondesk.notifications import content, ics, reads
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling import links
from sessiondesk.scheduling.models import Client, Session, SessionStatus

SESSION_KINDS = ("booked", "rescheduled", "updated", "cancelled")
# Facts that, when unchanged since the person's last email, make an "updated" email pointless.
NEWS_FIELDS = ("start", "end", "title", "join_url", "location", "with", "agenda", "status")


@dataclass
class Ready:
    to: str
    subject: str
    text: str
    html: str
    ics: str = ""
    ics_method: str = ""
    context: dict | None = None


@dataclass
class Skip:
    reason: str


@dataclass
class Defer:
    until: dt.datetime


def link_wait() -> dt.timedelta:
    return dt.timedelta(seconds=settings.EMAIL_LINK_WAIT_SECONDS)


def prepare(email: OutboundEmail) -> Ready | Skip | Defer:
    if email.kind not in SESSION_KINDS or (email.client_id is None and email.member_id is None):
        return Ready(email.to, email.subject, email.body_text, email.body_html, email.ics, _method(email.ics))
    if email.session_id is None:
        return Skip("The session no longer exists.")
    return _prepare_session_email(email)


def _method(text: str) -> str:
    return "CANCEL" if "METHOD:CANCEL" in text else "REQUEST"


@dataclass
class _Decided:
    """A session email to send, before it is put together: its session (the first it covers), the
    sessions it covers, who gets it, how it reads and how many emails they had about it."""

    email: OutboundEmail
    session: Session
    covered: list[Session]
    recipient: Client | Member
    kind: str
    sent: int
    last: OutboundEmail | None  # their last email sent about it


def _prepare_session_email(email: OutboundEmail) -> Ready | Skip | Defer:
    news = _news(email)
    if not isinstance(news, tuple):
        return news
    decided, rendered = news
    return _ready(decided, rendered, [decided])


def _news(email: OutboundEmail) -> tuple[_Decided, content.Rendered] | Skip | Defer:
    """What ``email`` would tell its recipient on its own, or why it goes later or not at all."""
    decided = _decide(email)
    if not isinstance(decided, _Decided):
        return decided
    rendered = content.render(decided.session, decided.kind, decided.recipient, email.context)
    last = decided.last  # never None for those kinds (``_decide``)
    if (
        last is not None
        and decided.kind in ("rescheduled", "updated")
        and _same_news(last, rendered.shown, decided.session.pk)
    ):
        return Skip("Nothing changed since their last email.")
    return decided, rendered


def _decide(email: OutboundEmail) -> _Decided | Skip | Defer:
    now = timezone.now()
    session = Session.objects.select_related("consultant__user", "org", "series").get(
        pk=email.session_id or 0
    )
    history = history_for(session.pk, session.series_id, email)
    if any(e.state == EmailState.PENDING for e in history):
        return Defer(now + dt.timedelta(seconds=2))  # keep each person's emails in order
    recipient: Client | Member = email.client if email.client_id else email.member  # type: ignore[assignment]
    sent = [e for e in history if e.state == EmailState.SENT]
    covered = [session]
    if email.kind == "cancelled":
        if not sent or sent[-1].kind == "cancelled":
            return Skip("They were never told about this session.")
    elif email.kind == "booked" and session.series_id:
        covered = _scheduled_occurrences(session)
        if not covered:
            return Skip("Every session of the series was cancelled before the email went out.")
        session = covered[0]
    elif session.is_cancelled:
        return Skip("The session was cancelled before this email went out.")
    client = recipient if isinstance(recipient, Client) else None
    if email.kind != "cancelled" and content.link_expected(covered, client, soon=True):
        deadline = email.created_at + link_wait()
        if now < deadline:
            return Defer(min(deadline, now + dt.timedelta(seconds=1)))
    kind = email.kind
    if kind in ("rescheduled", "updated") and not sent:
        kind = "booked"  # e.g. an attendee added later: for them it is a new booking
    return _Decided(email, session, covered, recipient, kind, len(sent), sent[-1] if sent else None)


def _ready(decided: _Decided, rendered: content.Rendered, parts: list[_Decided]) -> Ready:
    """``decided``'s email as rendered, its invite holding the sessions of every part (each at the
    sequence its own history gives it)."""
    email = decided.email
    urls = rendered.shown["join_urls"]
    return Ready(
        to=email.to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        ics=_invite(email, [(s, part.sent) for part in parts for s in part.covered], decided.recipient, urls),
        ics_method="CANCEL" if email.kind == "cancelled" else "REQUEST",
        context={**email.context, "shown": rendered.shown, "rendered_as": decided.kind},
    )


def is_link_news(email: OutboundEmail) -> bool:
    """A "the join link is ready" email about a session: sent together with the same person's
    others for the same series, or for sessions with the same host and title (``together``)."""
    return email.kind == "updated" and email.context.get("event") == "link_ready" and bool(email.session_id)


def together(email: OutboundEmail, others: list[OutboundEmail]) -> tuple[Ready | Skip | Defer, dict]:
    """``email`` sent with ``others``: the same person's link news for other sessions of the same
    series, or with the same host and title, claimed with it. Returns ``email``'s outcome and each
    of ``others``' by id.

    Those with news of a session with the same title and the same people as ``email``'s (the email
    names them once, in its subject and headline) go in ``email``'s message, one invite entry a
    session, and their outcome is a ``Ready`` holding only what they showed (their own ``shown``, as
    if each had gone alone). Those with nothing to tell are skipped; one that must wait keeps its
    wait; any other (news of another kind for them, of a session with other people, or ``email``
    not going now) goes back to the queue as due now, to go on its own or with its own kind."""
    own = _news(email)
    outcomes: dict[int, Ready | Skip | Defer] = {}
    riders: list[tuple[_Decided, content.Rendered]] = []
    for other in others:
        news = _news(other)
        if isinstance(news, Skip):
            outcomes[other.pk] = news
        elif isinstance(news, tuple) and isinstance(own, tuple) and _alike(own, news):
            riders.append(news)
        else:  # its own wait, or due again now to go on its own
            outcomes[other.pk] = news if isinstance(news, Defer) else Defer(timezone.now())
    if not isinstance(own, tuple):
        return own, outcomes
    if not riders:
        return _ready(*own, [own[0]]), outcomes
    parts = sorted([own, *riders], key=lambda news: news[0].session.start)
    first = parts[0][0]
    combined = content.render(
        first.session, "updated", first.recipient, email.context, together=[d.session for d, _ in parts]
    )
    for decided, rendered in riders:
        shown = {
            **decided.email.context,
            "shown": rendered.shown,
            "rendered_as": "updated",
            "sent_with": email.pk,
        }
        outcomes[decided.email.pk] = Ready(decided.email.to, combined.subject, "", "", context=shown)
    ready = _ready(own[0], combined, [d for d, _ in parts])
    ready.context = {**email.context, "shown": own[1].shown, "rendered_as": "updated"}
    return ready, outcomes


def _alike(own: tuple[_Decided, content.Rendered], other: tuple[_Decided, content.Rendered]) -> bool:
    """Whether ``other``'s link news can go in ``own``'s email: both "updated", about sessions of
    the same title and with the same people."""
    shown, theirs = own[1].shown, other[1].shown
    return (
        own[0].kind == other[0].kind == "updated"
        and shown["title"] == theirs["title"]
        and shown["with"] == theirs["with"]
    )


def history_for(session_id: int, series_id: int | None, email: OutboundEmail) -> list[OutboundEmail]:
    """The recipient's earlier emails about this session (a series' "booked" email counts for each
    occurrence), oldest first, without skipped ones."""
    about = Q(session_id=session_id, kind__in=SESSION_KINDS)
    if series_id:
        about |= Q(session__series_id=series_id, kind="booked")
    who = Q(client_id=email.client_id) if email.client_id else Q(member_id=email.member_id)
    earlier = OutboundEmail.objects.filter(about, who)
    if email.pk:
        earlier = earlier.filter(pk__lt=email.pk)
    return list(earlier.exclude(state=EmailState.SKIPPED).order_by("pk"))


def last_told(session_id: int, series_id: int | None) -> dict[tuple[str, int], OutboundEmail]:
    """Each recipient's last email about this session, as ``history_for`` would end, for all
    recipients in one query; keyed by ``recipient_key``."""
    last = {}
    for email in reads.emails_told(session_id, series_id, SESSION_KINDS):
        if email.client_id:
            last[("client", email.client_id)] = email
        elif email.member_id:
            last[("member", email.member_id)] = email
    return last


def recipient_key(recipient: Client | Member) -> tuple[str, int]:
    return ("client" if isinstance(recipient, Client) else "member", recipient.pk)


def shown_join_url(email: OutboundEmail, session_id: int) -> str | None:
    """The join link ``email`` showed for the session, or None if it did not cover it."""
    shown = email.context.get("shown") or {}
    return (shown.get("join_urls") or {}).get(str(session_id))


def _scheduled_occurrences(session: Session) -> list[Session]:
    occurrences = Session.objects.filter(series=session.series, status=SessionStatus.SCHEDULED)
    return list(occurrences.select_related("consultant__user", "org", "series").order_by("start"))


def _same_news(last: OutboundEmail, shown: dict, session_id: int) -> bool:
    before = dict(last.context.get("shown") or {})
    if last.session_id != session_id:  # a series' "booked" email: only the join link is per occurrence
        before = {"join_url": shown_join_url(last, session_id)}
    return all(before.get(key) == shown.get(key) for key in NEWS_FIELDS)


def _invite(
    email: OutboundEmail,
    sessions: list[tuple[Session, int]],
    recipient: Client | Member,
    urls: dict[str, str],
) -> str:
    """The invite for ``sessions``, each (session, the sequence of its entry)."""
    is_client = isinstance(recipient, Client) and email.kind != "cancelled"
    entries = [
        ics.Entry(
            s,
            urls.get(str(s.pk), ""),
            links.manage_url(s, recipient) if is_client else "",  # type: ignore[arg-type]
            sequence,
        )
        for s, sequence in sessions
    ]
    return ics.invite(
        entries,
        method="CANCEL" if email.kind == "cancelled" else "REQUEST",
        attendee_email=email.to,
        attendee_name=recipient.name,
    )
