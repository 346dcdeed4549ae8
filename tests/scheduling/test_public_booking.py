import datetime as dt
import re
import threading
import zoneinfo

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling import actions, links
from sessiondesk.scheduling.models import BookedVia, CalendarKind, Client, Provider, Session
from tests.scheduling.public_support import (
    at,
    booking_data,
    booking_links,
    day_in,
    details_url,
    first_slot,
    make_calendar,
    slots_on,
)


@pytest.fixture
def calendar(org, lesson, consultant):
    return make_calendar(org, lesson, [consultant])


def page_url(calendar, **query):
    url = reverse("public_booking", args=[calendar.org.slug, calendar.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def local_time(moment, tz_name):
    local = moment.astimezone(zoneinfo.ZoneInfo(tz_name))
    return f"{local.hour % 12 or 12}:{local:%M}\u00a0{local:%p}"  # as an en-US browser is shown


# The page ---------------------------------------------------------------------------------------------


def test_it_shows_the_calendar_its_organisation_and_session_type(client, calendar):
    response = client.get(page_url(calendar, tz="America/New_York"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Book Carla" in body
    assert "Acme Tutoring" in body
    assert "Lesson · 60 minutes" in body
    assert "With Carla Consultant" in body
    assert "A first lesson to get to know each other." in body
    assert "sessiondesk/booking.js" in body
    assert "<script>" not in body


def test_it_has_no_staff_navigation(client, calendar):
    body = client.get(page_url(calendar)).content.decode()
    assert "Audit log" not in body
    assert 'class="brand">Acme Tutoring<' in body


def test_it_defaults_to_the_organisation_zone_and_asks_the_browser(client, calendar):
    response = client.get(page_url(calendar))
    assert response.context["tz"] == "America/New_York"
    assert "data-tz-detect" in response.content.decode()


def test_it_lists_two_weeks_of_days_with_slots(client, calendar):
    response = client.get(page_url(calendar, tz="America/New_York"))
    today = day_in(0)
    two_weeks = [today + dt.timedelta(days=n) for n in range(14)]
    assert [d.date for d in response.context["days"]] == [d for d in two_weeks if slots_on(calendar, d)]
    assert [d.date for d in response.context["days"]][-13:] == two_weeks[1:]
    assert response.context["span"].later == today + dt.timedelta(days=14)
    assert response.context["span"].earlier is None


def test_it_shows_slots_in_the_visitors_zone(client, calendar):
    day = day_in(3)
    response = client.get(page_url(calendar, tz="Asia/Tokyo", date=day_in(4, "Asia/Tokyo").isoformat()))
    body = response.content.decode()
    # 9:00 in New York is 11 PM (or 10 PM in summer) the same day in Tokyo.
    assert local_time(at(day, 9), "Asia/Tokyo") in body
    assert "Times in Asia/Tokyo." in body


@pytest.mark.parametrize(
    ("accept_language", "first", "last"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "09:00", "16:00"),
        ("en-GB", "09:00", "16:00"),
        ("en-US,en;q=0.9", "9:00\u00a0AM", "4:00\u00a0PM"),
        ("xx-YY, fr;q=0.5", "09:00", "16:00"),  # the first language CLDR knows
        ("", "9:00\u00a0AM", "4:00\u00a0PM"),  # no header: as before
    ],
)
def test_it_writes_times_as_the_visitors_browser_does(client, calendar, accept_language, first, last):
    day = day_in(3)
    url = reverse("public_booking_day", args=["acme", "carla"]) + f"?tz=America/New_York&date={day}"
    body = client.get(
        url, headers={"HX-Request": "true", "Accept-Language": accept_language}
    ).content.decode()
    times = re.findall(r'class="btn slot"[^>]*>([^<]*)</a>', body)
    assert (len(times), times[0], times[-1]) == (15, first, last)
    assert "PM" not in body if first == "09:00" else "16:00" not in body


def test_it_loads_one_days_slots_as_a_fragment(client, calendar):
    day = day_in(3)
    url = reverse("public_booking_day", args=["acme", "carla"]) + f"?tz=America/New_York&date={day}"
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert [s.start for s in response.context["selected"].slots] == slots_on(calendar, day)
    assert body.count('class="btn slot"') == 15  # 9:00 to 16:00, every 30 minutes


def test_it_has_a_helpful_empty_state(client, org, lesson):
    calendar = make_calendar(org, lesson, [], slug="nobody")
    response = client.get(page_url(calendar, tz="America/New_York"))
    assert response.status_code == 200
    assert response.context["days"] == []
    assert "No open times between" in response.content.decode()


def test_it_navigates_no_further_than_the_calendars_max_days_ahead(client, org, lesson, consultant):
    calendar = make_calendar(org, lesson, [consultant], max_days_ahead=20)
    response = client.get(page_url(calendar, tz="America/New_York", **{"from": day_in(30).isoformat()}))
    span = response.context["span"]
    assert span.last <= day_in(20)
    assert span.later is None


@pytest.mark.parametrize("query", ["tz=Mars/Olympus", "from=tomorrow", "date=2026-13-01"])
def test_it_answers_400_for_a_malformed_link(client, calendar, query):
    response = client.get(page_url(calendar) + "?" + query)
    assert response.status_code == 400
    assert "Something in that link is not right" in response.content.decode()


@pytest.mark.parametrize("path", ["/book/acme/nobody/", "/book/nowhere/carla/", "/book/rival/carla/"])
def test_it_answers_404_for_unknown_organisations_and_calendars(client, calendar, outsider, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "There is no booking page at this address." in response.content.decode()


def test_it_answers_404_for_a_calendar_that_is_not_public(client, calendar):
    calendar.is_public = False
    calendar.save()
    assert client.get(page_url(calendar)).status_code == 404
    assert client.post(details_url(calendar), booking_data(first_slot(calendar))).status_code == 404
    assert Session.objects.count() == 0


# Booking ----------------------------------------------------------------------------------------------


def test_it_shows_the_details_form_for_a_free_slot(client, calendar):
    start = first_slot(calendar)
    response = client.get(details_url(calendar), {"start": start.isoformat(), "tz": "Europe/Paris"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your details" in body
    assert local_time(start, "Europe/Paris") in body
    assert "Confirm booking" in body


def test_it_books_a_personal_calendar_slot(client, calendar, consultant):
    start = first_slot(calendar)
    response = client.post(details_url(calendar), booking_data(start, phone="+33 1 23 45", notes="Maths"))
    session = Session.objects.get()
    nora = Client.objects.get()
    assert response.status_code == 303
    assert response["Location"].startswith("/manage/")
    assert response["Location"].endswith("/booked/?tz=Europe%2FParis")
    assert booking_links(response["Location"], "booked/") == [
        {"s": session.pk, "c": nora.pk, "v": "Europe/Paris"}
    ]
    assert (session.consultant, session.start, session.end) == (
        consultant,
        start,
        start + dt.timedelta(hours=1),
    )
    assert (session.booked_via, session.booked_by, session.calendar) == (BookedVia.PUBLIC, None, calendar)
    assert session.title == "Lesson"
    assert session.agenda == "Maths"
    assert (nora.name, nora.email, nora.timezone, nora.phone) == (
        "Nora Newcomer",
        "nora@example.test",
        "Europe/Paris",
        "+33 1 23 45",
    )
    assert list(session.clients.all()) == [nora]


def test_it_queues_the_confirmation_emails(client, calendar):
    client.post(details_url(calendar), booking_data(first_slot(calendar)))
    emails = OutboundEmail.objects.filter(session=Session.objects.get())
    assert sorted(emails.values_list("kind", "to")) == [
        ("booked", "carla@acme.test"),
        ("booked", "nora@example.test"),
    ]


def test_it_reuses_a_known_client_by_email(client, calendar, student):
    client.post(
        details_url(calendar), booking_data(first_slot(calendar), email="STU@example.test", tz="Asia/Tokyo")
    )
    assert Client.objects.count() == 1
    assert list(Session.objects.get().clients.all()) == [student]


def test_the_confirmation_page_shows_the_booking(client, calendar, settings):
    start = first_slot(calendar)
    response = client.post(details_url(calendar), booking_data(start), follow=True)
    body = response.content.decode()
    session = Session.objects.get()
    assert response.status_code == 200
    assert "You're booked" in body
    assert local_time(start, "Europe/Paris") in body
    assert "Europe/Paris" in body
    assert "Carla Consultant" in body
    assert "nora@example.test" in body
    visitor = {"s": session.pk, "c": Client.objects.get().pk, "v": "Europe/Paris"}
    assert booking_links(body, "invite.ics") == [visitor]
    assert visitor in booking_links(body.split(settings.SITE_URL, 1)[1])  # the absolute link to keep


def test_the_confirmation_page_shows_the_meeting_link_when_known(client, org, lesson, consultant):
    lesson.default_provider = Provider.CUSTOM
    lesson.save()
    calendar = make_calendar(org, lesson, [consultant], custom_meeting_url="https://meet.example.test/carla")
    body = client.post(
        details_url(calendar), booking_data(first_slot(calendar)), follow=True
    ).content.decode()
    assert "Join the meeting" in body
    assert "https://meet.example.test/carla" in body


def test_a_calendars_own_link_is_the_meeting_of_what_is_booked_there(client, org, lesson, consultant):
    """The calendar's link (a personal room) before the session type's meeting (Zoom here); a
    calendar without one keeps the type's, and an in-person type has no meeting whatever the link."""
    lesson.default_provider = Provider.ZOOM
    lesson.save()
    room = make_calendar(org, lesson, [consultant], custom_meeting_url="https://meet.example.test/carla")
    plain = make_calendar(org, lesson, [consultant], slug="plain")
    body = client.post(details_url(room), booking_data(first_slot(room)), follow=True).content.decode()
    client.post(details_url(plain), booking_data(first_slot(plain), email="ann@example.test"), follow=True)
    in_room, in_plain = Session.objects.get(calendar=room), Session.objects.get(calendar=plain)

    assert (in_room.provider, in_room.custom_meeting_url) == (
        Provider.CUSTOM,
        "https://meet.example.test/carla",
    )
    assert "https://meet.example.test/carla" in body
    assert (in_plain.provider, in_plain.custom_meeting_url) == (Provider.ZOOM, "")
    assert [link.provider for link in MeetingLink.objects.order_by("pk")] == [Provider.CUSTOM, Provider.ZOOM]

    lesson.is_online, lesson.default_provider = False, Provider.NONE
    lesson.save()
    later = slots_on(room, day_in(3))[-1]
    client.post(details_url(room), booking_data(later, email="bo@example.test"), follow=True)
    in_person = Session.objects.get(calendar=room, start=later)
    assert (in_person.is_online, in_person.provider, in_person.custom_meeting_url) == (
        False,
        Provider.NONE,
        "",
    )


def test_the_confirmation_page_says_the_link_is_coming_while_a_provider_works(
    client, org, lesson, consultant
):
    lesson.default_provider = Provider.ZOOM
    lesson.save()
    calendar = make_calendar(org, lesson, [consultant])
    body = client.post(
        details_url(calendar), booking_data(first_slot(calendar)), follow=True
    ).content.decode()
    assert MeetingLink.objects.get().provider == Provider.ZOOM
    assert "Your meeting link will appear here shortly" in body
    assert re.search(r'hx-get="/manage/[^"/]+/meeting/" hx-trigger="every 2s"', body)  # until it is there


def test_it_offers_an_ics_download(client, calendar):
    start = first_slot(calendar)
    client.post(details_url(calendar), booking_data(start))
    token = links.booking_token(Session.objects.get(), Client.objects.get())
    response = client.get(reverse("booking_invite", args=[token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "METHOD:PUBLISH" in body
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body
    assert "SUMMARY:Lesson\r\n" in body


# Round robin and collective -----------------------------------------------------------------------------


def test_round_robin_gives_the_booking_to_the_member_with_fewest_upcoming_sessions(
    client, org, lesson, consultant, consultant2, student, staff
):
    calendar = make_calendar(
        org, lesson, [consultant, consultant2], slug="team", kind=CalendarKind.ROUND_ROBIN
    )
    day = day_in(4)
    busy = actions.SessionDraft(
        title="Earlier",
        start=at(day, 16),
        end=at(day, 17),
        session_type=lesson,
        consultant=consultant2,
        clients=[student],
    )
    actions.schedule_session(org, busy, actor=staff)
    client.post(details_url(calendar), booking_data(at(day_in(3), 10)))  # both free
    assert Session.objects.get(booked_via=BookedVia.PUBLIC).consultant == consultant


def test_round_robin_breaks_ties_by_least_recently_booked(
    client, org, lesson, consultant, consultant2, student, staff
):
    calendar = make_calendar(
        org, lesson, [consultant, consultant2], slug="team", kind=CalendarKind.ROUND_ROBIN
    )
    day = day_in(6)
    for member in (consultant, consultant2):  # one upcoming each; Dev booked last
        draft = actions.SessionDraft(
            title=f"With {member.name}",
            start=at(day, 12),
            end=at(day, 13),
            session_type=lesson,
            consultant=member,
            clients=[student],
        )
        actions.schedule_session(org, draft, actor=staff)
    client.post(details_url(calendar), booking_data(at(day_in(3), 10)))  # both free
    assert Session.objects.get(booked_via=BookedVia.PUBLIC).consultant == consultant


def test_round_robin_lists_slots_when_any_member_is_free(client, org, lesson, consultant, consultant2):
    calendar = make_calendar(
        org, lesson, [consultant, consultant2], slug="team", kind=CalendarKind.ROUND_ROBIN
    )
    day = day_in(3)
    # Dev (London) opens at 9:00 London, hours before Carla in New York.
    assert at(day, 9, tz_name="Europe/London") in slots_on(calendar, day, "Europe/London")
    client.post(details_url(calendar), booking_data(at(day, 9, tz_name="Europe/London")))
    assert Session.objects.get().consultant == consultant2


@pytest.fixture
def collective(org, lesson, consultant, consultant2):
    return make_calendar(org, lesson, [consultant, consultant2], slug="panel", kind=CalendarKind.COLLECTIVE)


def test_collective_books_the_host_with_the_others_as_co_hosts(client, collective, consultant, consultant2):
    client.post(details_url(collective), booking_data(first_slot(collective)))
    session = Session.objects.get()
    assert session.consultant == consultant
    assert list(session.co_hosts.all()) == [consultant2]
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "carla@acme.test",
        "dev@acme.test",
        "nora@example.test",
    ]


def test_collective_offers_only_times_when_everyone_is_free(client, collective):
    day = day_in(3)
    slots = slots_on(collective, day)
    london_close = at(day, 17, tz_name="Europe/London")
    new_york_open = at(day, 9)
    assert slots
    assert all(new_york_open <= s and s + dt.timedelta(hours=1) <= london_close for s in slots)
    response = client.post(details_url(collective), booking_data(at(day, 14)))  # Dev has left at 14:00 NY
    assert response.status_code == 400
    assert "That time is not offered on this calendar." in response.content.decode()
    assert Session.objects.count() == 0


# A slot taken meanwhile ----------------------------------------------------------------------------------


def test_a_slot_taken_meanwhile_gets_a_friendly_message_and_fresh_slots(client, calendar):
    start = first_slot(calendar)
    client.post(details_url(calendar), booking_data(start, email="first@example.test"))
    response = client.post(
        details_url(calendar), booking_data(start, name="Late Larry", email="larry@example.test")
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Sorry, that time was just taken." in body
    paris_day = start.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).date()
    fresh = [s.start for s in response.context["fresh"].slots]
    assert fresh == slots_on(calendar, paris_day, "Europe/Paris")
    assert len(fresh) == 13  # the 15 of the day, less the booked hour's two starts
    assert start not in fresh
    assert 'name="start"' in body and 'value="larry@example.test"' in body
    assert Session.objects.count() == 1
    assert not Client.objects.filter(email="larry@example.test").exists()
    assert not OutboundEmail.objects.filter(to="larry@example.test").exists()


def test_opening_a_taken_slot_shows_fresh_slots(client, calendar):
    start = first_slot(calendar)
    client.post(details_url(calendar), booking_data(start))
    response = client.get(details_url(calendar), {"start": start.isoformat(), "tz": "America/New_York"})
    assert response.status_code == 409
    assert "Sorry, that time was just taken." in response.content.decode()


# Bad input --------------------------------------------------------------------------------------------


def _bad(start):
    return {
        "bad email": ({"email": "nora-at-example"}, "Please enter a valid email address."),
        "no name": ({"name": "   "}, "This field is required."),
        "unknown zone": ({"tz": "Mars/Olympus"}, "Unknown time zone Mars/Olympus"),
        "malformed slot": ({"start": "next tuesday"}, "That time is not valid."),
        "naive slot": ({"start": "2030-01-01T10:00:00"}, "That time is not valid."),
        "past slot": (
            {"start": (timezone.now() - dt.timedelta(days=1)).isoformat()},
            "That time has already passed.",
        ),
        "off the grid": (
            {"start": (start + dt.timedelta(minutes=7)).isoformat()},
            "That time is not offered",
        ),
        "outside hours": ({"start": at(day_in(3), 20).isoformat()}, "That time is not offered"),
        "within notice": ({"start": (timezone.now() + dt.timedelta(minutes=30)).isoformat()}, "not offered"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "bad email",
        "no name",
        "unknown zone",
        "malformed slot",
        "naive slot",
        "past slot",
        "off the grid",
        "outside hours",
        "within notice",
    ],
)
def test_bad_input_answers_400_and_saves_nothing(client, calendar, case):
    start = first_slot(calendar)
    fields, message = _bad(start)[case]
    response = client.post(details_url(calendar), {**booking_data(start), **fields})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == 0
    assert Client.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_opening_a_slot_in_an_unknown_zone_answers_400(client, calendar):
    response = client.get(
        details_url(calendar), {"start": first_slot(calendar).isoformat(), "tz": "Nowhere/City"}
    )
    assert response.status_code == 400
    assert "Unknown time zone &#x27;Nowhere/City&#x27;" in response.content.decode()


def test_opening_a_malformed_slot_answers_400(client, calendar):
    response = client.get(details_url(calendar), {"start": "garbage", "tz": "Europe/Paris"})
    assert response.status_code == 400
    assert "That time is not valid or has passed." in response.content.decode()


# Concurrency ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_parallel_bookings_of_one_slot_make_exactly_one_session(calendar):
    start = first_slot(calendar)
    url = details_url(calendar)
    barrier = threading.Barrier(2)
    results: dict[str, tuple[int, str]] = {}

    def book(email: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = HttpClient().post(url, booking_data(start, email=email, name=email.split("@")[0]))
            results[email] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(f"p{n}@example.test",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in results.values()) == [303, 409]
    loser = next(body for status, body in results.values() if status == 409)
    assert "Sorry, that time was just taken." in loser
    session = Session.objects.get()
    assert session.start == start
    assert Client.objects.count() == 1
    assert OutboundEmail.objects.filter(session=session).count() == 2


def test_it_books_a_slot_in_a_fixed_number_of_queries(client, calendar):
    start = first_slot(calendar)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(details_url(calendar), booking_data(start))
    assert response.status_code == 303
    # The calendar; the rate limit's look (already past it?); the slot's members, their weekly hours
    # and date overrides (before the transaction: bookings do not change them); begin; the rate
    # limit's count (one statement, even as it opens a new window: the worker forgets old ones); the
    # members' busy times; the client, read and then added (no savepoint: an insert that skips an
    # email added meanwhile);
    # the session, its client, the emails, the audit entry; commit. The slot check is the clash
    # check; an in-person session has no meeting link to write. PostgreSQL adds the members' row locks.
    assert len(captured.captured_queries) == {"sqlite": 15, "postgresql": 16}[connection.vendor]
    assert Session.objects.get().start == start
    assert OutboundEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_booking_holds_its_locks_for_the_busy_times_not_for_the_hours(client, calendar):
    """The members, their weekly hours and date overrides are read before the booking's transaction;
    the busy times, the session and its emails inside it."""
    read: list[tuple[str, bool]] = []  # (statement, inside a transaction)

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        read.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    start = first_slot(calendar)
    with connection.execute_wrapper(record):
        response = client.post(details_url(calendar), booking_data(start))
    assert response.status_code == 303

    def inside(table: str, verb: str = "SELECT") -> set[bool]:
        # Row locks (PostgreSQL's FOR UPDATE on the members) belong inside: they are not reads.
        return {
            within
            for sql, within in read
            if sql.lstrip().startswith(verb) and f'"{table}"' in sql and "FOR UPDATE" not in sql
        }

    assert inside("scheduling_availabilityrule") == {False}
    assert inside("scheduling_dateoverride") == {False}
    assert inside("scheduling_calendar_members") == {False}
    assert inside("scheduling_session") == {True}  # the busy times (and nothing else reads sessions)
    assert inside("scheduling_session", "INSERT") == {True}
    assert inside("notifications_outboundemail", "INSERT") == {True}
    assert Session.objects.get().start == start


def test_the_confirmation_names_a_zone_whose_abbreviation_is_its_name_once(client, calendar):
    response = client.post(details_url(calendar), booking_data(first_slot(calendar), tz="UTC"), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "(UTC)" in body
    assert "(UTC, UTC)" not in body
