"""What other parts call to send email. Everything here only writes OutboundEmail rows; the worker
sends them (``sender.send_due``). Call these inside the transaction that made the change, so the
email exists if and only if the change was committed.

Session emails are rendered at send time from the session as it is then (latest time, title and
join link), in the recipient's own time zone.
"""

import datetime as dt

from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.lib.rows import insert
from sessiondesk.notifications import content, prepare, reads
from sessiondesk.notifications.models import EmailState, OutboundEmail
from sessiondesk.scheduling.models import Client, Session

SESSION_KINDS = prepare.SESSION_KINDS


def queue_email(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    kind: str,
    org: Organization | None = None,
    session: Session | None = None,
    ics: str = "",
) -> OutboundEmail:
    """Queue a ready-made email (invitations, password reset, reminders); sent as it is."""
    return OutboundEmail.objects.create(
        org=org,
        session=session,
        kind=kind,
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        ics=ics,
    )


def session_event(session: Session, kind: str, *, previous_start: dt.datetime | None = None) -> None:
    """Queue one email per attendee (clients, consultant, co-hosts) about a change to ``session``.

    ``kind`` is "booked", "rescheduled" (pass ``previous_start``), "updated" or "cancelled".
    For a recurring series, call "booked" once with any occurrence: the email covers the series.
    """
    if kind not in SESSION_KINDS:
        raise ValueError(f"Unknown session email kind {kind!r}; expected one of {SESSION_KINDS}.")
    context = {"event": kind}
    if previous_start is not None:
        context["previous_start"] = previous_start.isoformat()
    recipients = _recipients(session)
    if kind == "booked" and session.series_id:
        recipients = [r for r in recipients if not _series_booking_queued(session, r)]
    emails = [_session_email(session, kind, recipient, context) for recipient in recipients]
    if kind != "booked":
        emails += [
            _session_email(session, "cancelled", p, {"event": "removed"})
            for p in _former(session, recipients)
        ]
    insert(emails)  # after every change: one statement, built once


def booked_emails(session: Session, clients: list[Client], co_hosts: list[Member]) -> list[OutboundEmail]:
    """The emails ``session_event(session, "booked")`` queues for a single session (no series), worded
    before the session is saved, with the clients and co-hosts it is about to be saved with: the
    booking's transaction then only writes them (``lib.rows.prepare``), and holds its locks that much less."""
    if session.series_id or session.series is not None:
        raise ValueError("A series' booking email covers its occurrences: use session_event once saved.")
    people = content.People.booked(session.consultant, co_hosts, clients)
    recipients: list[Recipient] = [*clients, session.consultant]
    recipients += [m for m in co_hosts if m.pk != session.consultant.pk]
    return [_session_email(session, "booked", r, {"event": "booked"}, people) for r in recipients]


def meeting_link_ready(session: Session) -> None:
    """Tell attendees the join link, now that the session's meeting link is active.

    Contract for the meetings seam (and every provider): call this after the transaction that
    stored an ACTIVE ``MeetingLink.join_url`` for ``session`` commits, or inside it; call it again
    whenever the join URL changes (a meeting recreated). It is cheap and idempotent:
    - emails still waiting for the link are released to go now, and will carry it;
    - each attendee whose last email went out without this join URL gets one "updated" email;
    - nothing is queued for a cancelled session or for people who already have the link;
    - that email waits ``EMAIL_LINK_WAIT_SECONDS`` and goes with the same person's link news of
      the same series, or of other sessions with the same host and title, as one email.
    """
    session = reads.session_for_emails(session.pk)
    if session.is_cancelled:
        return
    if not content.join_url(session):
        return
    now = timezone.now()
    reads.release_waiting(session.pk, now)
    # Only someone whose last email about it went out may need another. Right after a booking
    # nobody does: its emails are still waiting for this link, and will carry it.
    last = {
        key: email
        for key, email in prepare.last_told(session.pk, session.series_id).items()
        if email.state == EmailState.SENT and email.kind != "cancelled"
    }
    if not last:
        return
    # Read once for the recipients and for the subject of each email queued.
    prefetch_related_objects([session], "clients", "co_hosts__user")
    fresh = []
    for recipient in _recipients(session):
        told = last.get(prepare.recipient_key(recipient))
        if told is None:
            continue  # never told about it, or a pending email will render the link itself
        # Each client's own link where they have one: a new one (another host) is news for them alone.
        join_url = content.join_url(session, recipient if isinstance(recipient, Client) else None)
        if not join_url:
            continue  # their own link is still being made: the email follows when it is
        if prepare.shown_join_url(told, session.pk) != join_url:
            fresh.append(_session_email(session, "updated", recipient, {"event": "link_ready"}))
    # Links come within seconds of each other when a host connects or replaces Zoom, for all the
    # sessions of a series and for every single session they host: each person's go together, in
    # one email (``prepare.together``), once this wait is over.
    for email in fresh:
        email.not_before = now + prepare.link_wait()
    insert(fresh)


Recipient = Client | Member


def _recipients(session: Session) -> list[Recipient]:
    people: list[Recipient] = list(session.clients.all())
    people.append(session.consultant)
    co_hosts = [m for m in session.co_hosts.all() if m.pk != session.consultant_id]
    prefetch_related_objects(co_hosts, "user")  # reads only the users not loaded yet
    people.extend(co_hosts)
    return people


def _former(session: Session, current: list[Recipient]) -> list[Recipient]:
    """People emailed about this session who are no longer on it (a client removed, a consultant
    replaced): they get a cancellation."""
    told = OutboundEmail.objects.filter(session=session, kind__in=SESSION_KINDS).exclude(
        state=EmailState.SKIPPED
    )
    last: dict[tuple[type, int], str] = {}
    for client_id, member_id, kind in told.order_by("id").values_list("client_id", "member_id", "kind"):
        if client_id or member_id:
            last[(Client, client_id) if client_id else (Member, member_id)] = kind
    on_it = {(type(r), r.pk) for r in current}
    gone = [key for key, kind in last.items() if kind != "cancelled" and key not in on_it]
    people: list[Recipient] = []
    for model, pk in gone:
        person = model._default_manager.filter(pk=pk).first()  # type: ignore[attr-defined]
        if person is not None:
            people.append(person)
    return people


def _session_email(
    session: Session, kind: str, recipient: Recipient, context: dict, people: content.People | None = None
) -> OutboundEmail:
    return OutboundEmail(
        org_id=session.org_id,
        session=session,
        kind=kind,
        to=recipient.email,
        client=recipient if isinstance(recipient, Client) else None,
        member=recipient if isinstance(recipient, Member) else None,
        # A provisional subject for lists; the worker renders the final one from the session.
        subject=content.subject(session, kind, recipient, people),
        body_text="",
        context=dict(context),
    )


def _recipient_filter(recipient: Recipient) -> Q:
    if isinstance(recipient, Client):
        return Q(client=recipient)
    return Q(member=recipient)


def _series_booking_queued(session: Session, recipient: Recipient) -> bool:
    emails = OutboundEmail.objects.filter(
        _recipient_filter(recipient), session__series=session.series, kind="booked"
    )
    return emails.exists()
