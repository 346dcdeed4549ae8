import datetime as dt
import time
import zoneinfo
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.meetings.models import LinkState, MeetingLink, WaitReason
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling import actions, links
from sessiondesk.scheduling.models import CalendarKind, Client, Provider, Session, SessionStatus
from tests.scheduling.public_support import at, booking_links, day_in, make_calendar, slots_on


@pytest.fixture
def calendar(org, lesson, consultant):
    return make_calendar(org, lesson, [consultant])


@pytest.fixture
def booking(calendar, student) -> Session:
    """Stu (Asia/Tokyo) booked 10:00 New York time, three days from now."""
    return actions.book_public(
        calendar, start=at(day_in(3), 10), name=student.name, email=student.email, timezone_name="Asia/Tokyo"
    )


@pytest.fixture
def other_booking(calendar, org) -> Session:
    """Another client's booking on the same calendar."""
    return actions.book_public(
        calendar, start=at(day_in(3), 14), name="Olga Other", email="olga@example.test", timezone_name="UTC"
    )


def manage(session, client_, suffix=""):
    return reverse(
        f"manage_{suffix}" if suffix else "manage_booking", args=[links.booking_token(session, client_)]
    )


def tokyo(moment):
    local = moment.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    return f"{local.hour % 12 or 12}:{local:%M}\u00a0{local:%p}"  # as an en-US browser is shown


# Viewing a booking ----------------------------------------------------------------------------------------


def test_it_shows_the_booking_in_the_clients_zone(client, booking, student):
    response = client.get(manage(booking, student))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your booking" in body
    assert tokyo(booking.start) in body
    assert "(JST, Asia/Tokyo)" in body
    assert "Carla Consultant" in body
    assert "Reschedule" in body and "Cancel" in body


def test_it_shows_the_join_link_but_never_the_start_url(client, booking, student):
    booking.provider = Provider.ZOOM
    booking.save()
    MeetingLink.objects.create(
        session=booking,
        provider=Provider.ZOOM,
        state=LinkState.ACTIVE,
        desired_version=1,
        applied_version=1,
        join_url="https://zoom.example.test/j/123",
        start_url="https://zoom.example.test/s/123?zak=secret",
        passcode="428193",
    )
    body = client.get(manage(booking, student)).content.decode()
    assert "https://zoom.example.test/j/123" in body
    assert "428193" in body
    assert "zak=secret" not in body
    assert "/s/123" not in body


def test_it_says_the_link_is_coming_while_the_meeting_is_created(client, booking, student):
    booking.provider = Provider.ZOOM
    booking.save()
    MeetingLink.objects.create(session=booking, provider=Provider.ZOOM, state=LinkState.PENDING)
    body = client.get(manage(booking, student)).content.decode()
    assert "Your meeting link will appear here shortly" in body


def test_the_pending_meeting_asks_again_until_the_join_link_is_there(client, booking, student):
    booking.provider = Provider.ZOOM
    booking.save()
    link = MeetingLink.objects.create(session=booking, provider=Provider.ZOOM, state=LinkState.PENDING)
    meeting_url = reverse("booking_meeting", args=[links.booking_token(booking, student)])
    poll = f'hx-get="{meeting_url}" hx-trigger="every 2s" hx-swap="outerHTML"'
    assert poll in client.get(manage(booking, student)).content.decode()

    pending = client.get(meeting_url)
    assert pending.status_code == 200
    body = pending.content.decode()
    assert "Your meeting link will appear here shortly" in body
    assert body.count(f'hx-get="{meeting_url}?asked=1" hx-trigger="every 2s" hx-swap="outerHTML"') == 1

    MeetingLink.objects.filter(pk=link.pk).update(
        state=LinkState.ACTIVE,
        applied_version=link.desired_version,
        join_url="https://zoom.example.test/j/123",
        start_url="https://zoom.example.test/s/123?zak=secret",
        passcode="428193",
    )
    ready = client.get(meeting_url).content.decode()
    assert 'href="https://zoom.example.test/j/123"' in ready
    assert "Passcode: <strong>428193</strong>" in ready
    assert "hx-get" not in ready  # the link is there: no more asking
    assert "zak=secret" not in ready and "appear here shortly" not in ready


def test_a_meeting_still_being_made_after_a_minute_is_asked_for_less_often(client, booking, student):
    booking.provider = Provider.ZOOM
    booking.save()
    MeetingLink.objects.create(session=booking, provider=Provider.ZOOM, state=LinkState.PENDING)
    meeting_url = reverse("booking_meeting", args=[links.booking_token(booking, student)])

    quick = client.get(f"{meeting_url}?asked=28").content.decode()
    slow = client.get(f"{meeting_url}?asked=29").content.decode()
    slower = client.get(f"{meeting_url}?asked=400").content.decode()

    assert f'hx-get="{meeting_url}?asked=29" hx-trigger="every 2s"' in quick
    assert "appear here shortly" in quick and "longer than usual" not in quick
    assert f'hx-get="{meeting_url}?asked=30" hx-trigger="every 30s"' in slow
    assert "Your meeting link is taking longer than usual" in slow and "shortly" not in slow
    assert f'hx-get="{meeting_url}?asked=401" hx-trigger="every 30s"' in slower


@pytest.mark.parametrize("asked", ["-1", "two", "1.5", "١", "9999999"])
def test_a_malformed_ask_count_is_refused_with_400(client, booking, student, asked):
    booking.provider = Provider.ZOOM
    booking.save()
    MeetingLink.objects.create(session=booking, provider=Provider.ZOOM, state=LinkState.PENDING)
    meeting_url = reverse("booking_meeting", args=[links.booking_token(booking, student)])

    response = client.get(meeting_url, {"asked": asked})

    assert response.status_code == 400
    body = response.content.decode()
    assert "&#x27;asked&#x27; must be a whole number." in body
    assert "hx-get" not in body


@pytest.mark.parametrize(
    "state, waiting_for",
    [(LinkState.BLOCKED, ""), (LinkState.WAITING, WaitReason.LIMIT), (LinkState.WAITING, WaitReason.HORIZON)],
)
def test_a_meeting_made_later_is_promised_by_email_and_not_asked_for(
    client, booking, student, state, waiting_for
):
    """A link that waits for a person, a limit or its creation date is not minutes away: the page says
    it comes by email and does not keep asking."""
    booking.provider = Provider.ZOOM
    booking.save()
    MeetingLink.objects.create(session=booking, provider=Provider.ZOOM, state=state, waiting_for=waiting_for)
    meeting_url = reverse("booking_meeting", args=[links.booking_token(booking, student)])

    page = client.get(manage(booking, student)).content.decode()
    part = client.get(f"{meeting_url}?asked=3").content.decode()

    for body in (page, part):
        assert "Your meeting link isn't ready yet. We'll email it to you as soon as it is." in body
        assert 'data-meeting-state="later"' in body
        assert "hx-get" not in body and "shortly" not in body


def test_the_meeting_part_of_a_cancelled_booking_is_empty(client, booking, student):
    actions.cancel_session(booking, actor=None, reason="")
    response = client.get(reverse("booking_meeting", args=[links.booking_token(booking, student)]))
    assert (response.status_code, response.content.decode().strip()) == (200, "")


def test_it_shows_times_in_another_zone_on_request(client, booking, student):
    body = client.get(manage(booking, student) + "?tz=Europe/Paris").content.decode()
    local = booking.start.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    assert f"{local.hour % 12 or 12}:{local:%M}\u00a0{local:%p}" in body
    assert "Europe/Paris)" in body


@pytest.mark.parametrize(
    "mangle", [lambda t: "Z" + t[1:], lambda t: "garbage", lambda t: t.replace(":", "", 1)]
)
def test_a_tampered_token_gets_a_friendly_404(client, booking, student, mangle):
    token = mangle(links.booking_token(booking, student))
    for name in (
        "manage_booking",
        "manage_cancel",
        "manage_reschedule",
        "booking_invite",
        "booking_confirmed",
        "booking_meeting",
    ):
        response = client.get(reverse(name, args=[token]))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()


def test_an_expired_token_gets_a_404(client, booking, student):
    two_years_ago = time.time() - 2 * 365 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=two_years_ago):
        token = links.booking_token(booking, student)
    assert client.get(reverse("manage_booking", args=[token])).status_code == 404


def test_a_portal_token_does_not_open_a_booking(client, booking, student):
    response = client.get(reverse("manage_booking", args=[links.portal_token(student)]))
    assert response.status_code == 404


# Cross-client isolation -------------------------------------------------------------------------------------


def test_a_clients_token_never_opens_another_clients_booking(client, booking, other_booking, student):
    # A token naming Olga's session but signed for Stu, who does not attend it.
    token = links.booking_token(other_booking, student)
    assert client.get(reverse("manage_booking", args=[token])).status_code == 404
    assert client.post(reverse("manage_cancel", args=[token]), {"reason": "x"}).status_code == 404
    other_booking.refresh_from_db()
    assert other_booking.status == SessionStatus.SCHEDULED


def test_a_token_stops_working_when_the_client_is_removed_from_the_session(client, booking, student, staff):
    olga = Client.objects.create(org=booking.org, name="Olga", email="olga@example.test")
    actions.update_session(booking, actions.SessionChanges(clients=[olga]), actor=staff)
    assert client.get(manage(booking, student)).status_code == 404


# Cancelling ------------------------------------------------------------------------------------------------


def test_it_asks_before_cancelling(client, booking, student):
    response = client.get(manage(booking, student, "cancel"))
    assert response.status_code == 200
    assert "Cancel your session?" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == SessionStatus.SCHEDULED


def test_it_cancels_with_a_reason_naming_the_client(client, booking, student):
    OutboundEmail.objects.all().delete()
    response = client.post(manage(booking, student, "cancel"), {"reason": "Feeling unwell"})
    assert response.status_code == 303
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == (SessionStatus.CANCELLED, "Feeling unwell")
    entry = AuditEntry.objects.get(action="session.cancelled")
    assert (entry.actor, entry.actor_label) == (None, "client Stu Student <stu@example.test>")
    assert sorted(OutboundEmail.objects.values_list("kind", "to")) == [
        ("cancelled", "carla@acme.test"),
        ("cancelled", "stu@example.test"),
    ]
    body = client.get(response["Location"]).content.decode()
    assert "Your session is cancelled." in body
    assert "This session was cancelled" in body
    assert "Feeling unwell" in body
    assert ">Reschedule<" not in body


def test_it_refuses_an_overlong_reason_and_keeps_the_booking(client, booking, student):
    response = client.post(manage(booking, student, "cancel"), {"reason": "x" * 301})
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == SessionStatus.SCHEDULED
    assert not AuditEntry.objects.filter(action="session.cancelled").exists()


def test_a_cancelled_booking_cannot_be_cancelled_or_moved_again(client, booking, student):
    actions.cancel_session(booking, actor=None)
    emails = OutboundEmail.objects.count()
    assert client.post(manage(booking, student, "cancel"), {"reason": ""}).status_code == 303
    free = at(day_in(4), 10).isoformat()
    assert client.post(manage(booking, student, "reschedule"), {"start": free}).status_code == 303
    assert OutboundEmail.objects.count() == emails
    assert AuditEntry.objects.filter(action="session.cancelled").count() == 1


# Rescheduling ------------------------------------------------------------------------------------------------


def test_it_lists_new_times_in_the_clients_zone(client, booking, student, calendar):
    response = client.get(manage(booking, student, "reschedule"))
    assert response.status_code == 200
    assert response.context["tz"] == "Asia/Tokyo"
    days = response.context["days"]
    assert days
    assert booking.start not in [s.start for d in days for s in d.slots]


def test_it_loads_one_days_new_times(client, booking, student, calendar):
    day = day_in(5, "Asia/Tokyo")
    response = client.get(manage(booking, student, "reschedule_day") + f"?date={day}")
    assert response.status_code == 200
    assert [s.start for s in response.context["selected"].slots] == slots_on(calendar, day, "Asia/Tokyo")


def test_it_asks_before_moving(client, booking, student):
    new = at(day_in(4), 11)
    response = client.get(manage(booking, student, "reschedule"), {"start": new.isoformat()})
    assert response.status_code == 200
    assert "Move my session" in response.content.decode()
    booking.refresh_from_db()
    assert booking.start == at(day_in(3), 10)


def test_it_moves_the_booking_and_emails_everyone(client, booking, student):
    OutboundEmail.objects.all().delete()
    new = at(day_in(4), 11)
    response = client.post(manage(booking, student, "reschedule"), {"start": new.isoformat()})
    assert response.status_code == 303
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (new, new + dt.timedelta(hours=1))
    assert sorted(OutboundEmail.objects.values_list("kind", "to")) == [
        ("rescheduled", "carla@acme.test"),
        ("rescheduled", "stu@example.test"),
    ]
    entry = AuditEntry.objects.get(action="session.rescheduled")
    assert (entry.actor, entry.actor_label) == (None, "client Stu Student <stu@example.test>")
    assert "Your session has been moved." in client.get(response["Location"]).content.decode()


def test_moving_to_a_time_taken_meanwhile_shows_fresh_times(client, booking, other_booking, student):
    response = client.post(manage(booking, student, "reschedule"), {"start": other_booking.start.isoformat()})
    assert response.status_code == 409
    assert "Sorry, that time was just taken." in response.content.decode()
    assert other_booking.start not in [s.start for s in response.context["selected"].slots]
    booking.refresh_from_db()
    assert booking.start == at(day_in(3), 10)
    assert not AuditEntry.objects.filter(action="session.rescheduled").exists()


@pytest.mark.parametrize("start", ["soon", "2030-01-01T10:00:00", "past", "off-grid", "night"])
def test_moving_to_a_bad_time_answers_400_and_changes_nothing(client, booking, student, start):
    values = {
        "soon": "soon",
        "2030-01-01T10:00:00": "2030-01-01T10:00:00",
        "past": (booking.start - dt.timedelta(days=10)).isoformat(),
        "off-grid": (at(day_in(4), 10) + dt.timedelta(minutes=7)).isoformat(),
        "night": at(day_in(4), 23).isoformat(),
    }
    response = client.post(manage(booking, student, "reschedule"), {"start": values[start]})
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.start == at(day_in(3), 10)
    assert not AuditEntry.objects.filter(action="session.rescheduled").exists()


def test_a_session_without_a_calendar_asks_the_client_to_contact_the_organisation(
    client, org, consultant, lesson, student, staff
):
    start = at(day_in(3), 10)
    draft = actions.SessionDraft(
        title="Algebra",
        start=start,
        end=start + dt.timedelta(hours=1),
        session_type=lesson,
        consultant=consultant,
        clients=[student],
    )
    session = actions.schedule_session(org, draft, actor=staff)
    response = client.get(manage(session, student, "reschedule"))
    assert response.status_code == 200
    assert "please contact Acme Tutoring" in response.content.decode()
    response = client.post(manage(session, student, "reschedule"), {"start": at(day_in(4), 10).isoformat()})
    session.refresh_from_db()
    assert session.start == start


# The portal ------------------------------------------------------------------------------------------------


def test_the_portal_lists_the_clients_upcoming_sessions_with_manage_links(
    client, booking, other_booking, student, settings
):
    response = client.get(reverse("client_portal", args=[links.portal_token(student)]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hello, Stu Student" in body
    assert [card["session"] for card in response.context["upcoming"]] == [booking]
    assert booking_links(body.split(settings.SITE_URL, 1)[1]) == [{"s": booking.pk, "c": student.pk}]
    assert "Olga" not in body
    assert tokyo(booking.start) in body
    assert "Book Carla" in body


def test_the_portal_shows_recent_past_and_cancelled_sessions(
    client, org, consultant, lesson, student, booking
):
    past = Session.objects.create(
        org=org,
        title="Last week",
        session_type=lesson,
        consultant=consultant,
        start=at(day_in(-7), 10),
        end=at(day_in(-7), 11),
    )
    past.clients.add(student)
    actions.cancel_session(booking, actor=None)
    response = client.get(reverse("client_portal", args=[links.portal_token(student)]))
    assert [c["session"] for c in response.context["upcoming"]] == [booking]
    assert [c["session"] for c in response.context["past"]] == [past]
    assert "Cancelled" in response.content.decode()


def test_the_portal_has_a_helpful_empty_state(client, student):
    response = client.get(reverse("client_portal", args=[links.portal_token(student)]))
    assert "You have no upcoming sessions." in response.content.decode()


def test_a_tampered_portal_token_gets_a_404(client, student):
    token = links.portal_token(student)
    assert client.get(reverse("client_portal", args=["Z" + token[1:]])).status_code == 404
    assert client.get(reverse("client_portal", args=["nonsense"])).status_code == 404


def test_a_booking_token_does_not_open_the_portal(client, booking, student):
    assert (
        client.get(reverse("client_portal", args=[links.booking_token(booking, student)])).status_code == 404
    )


# A collective session names every host -------------------------------------------------------------------


def test_every_host_of_a_collective_session_is_named_on_the_clients_pages(
    client, org, lesson, consultant, consultant2, student
):
    panel = make_calendar(org, lesson, [consultant, consultant2], slug="panel", kind=CalendarKind.COLLECTIVE)
    session = actions.book_public(
        panel, start=at(day_in(3), 10), name=student.name, email=student.email, timezone_name="Asia/Tokyo"
    )
    pages = {
        "portal": client.get(reverse("client_portal", args=[links.portal_token(student)])),
        "booking": client.get(manage(session, student)),
        "reschedule": client.get(manage(session, student, "reschedule")),
    }

    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    for name, page in pages.items():
        assert "Carla Consultant and Dev Consultant" in page.content.decode(), name


def test_the_meeting_part_reads_the_session_s_links_once(client, booking, student):
    booking.provider = Provider.ZOOM
    booking.save()
    MeetingLink.objects.create(session=booking, provider=Provider.ZOOM, state=LinkState.PENDING)
    meeting_url = reverse("booking_meeting", args=[links.booking_token(booking, student)])

    with CaptureQueriesContext(connection) as captured:
        assert client.get(meeting_url).status_code == 200

    link_reads = [q["sql"] for q in captured.captured_queries if 'FROM "meetings_meetinglink"' in q["sql"]]
    assert len(link_reads) == 1
