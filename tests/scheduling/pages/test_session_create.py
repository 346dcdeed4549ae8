"""Scheduling a session from the form: local input, exact UTC storage, and refusals that save nothing."""

import pytest
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import BookedVia, Client, Session
from tests.conftest import login
from tests.scheduling.pages.conftest import book, ny


@pytest.fixture
def form(lesson, consultant, student) -> dict:
    return {
        "title": "Algebra",
        "session_type": lesson.pk,
        "consultant": consultant.pk,
        "date": "2027-03-10",
        "start_time": "16:00",
        "duration_minutes": "",
        "clients": [student.pk],
        "where": "online",
        "provider": "none",
        "custom_meeting_url": "",
        "location": "",
        "agenda": "",
        "every_weeks": "1",
        "repeat_ends": "count",
        "count": "10",
    }


def utc(session: Session) -> tuple[str, str]:
    return session.start.isoformat(), session.end.isoformat()


def test_it_shows_the_form_in_the_viewers_time_zone(client, staff):
    login(client, staff)
    html = client.get(reverse("session_create")).content.decode()
    assert "In your time zone, <strong>America/New York</strong>." in html
    assert "Lesson (60 min)" in html
    assert 'or <a href="/clients/new/">add a new client</a> (then come back here).' in html


def test_it_offers_zoom_when_a_zoom_app_is_configured(client, staff):
    login(client, staff)
    response = client.get(reverse("session_create"))
    assert response.context["form"].fields["provider"].choices == [
        ("none", "No online meeting"),
        ("custom", "Custom link"),
        ("zoom", "Zoom"),
    ]


def test_it_hides_zoom_when_zoom_is_not_configured(client, staff, settings):
    settings.ZOOM_ENABLED = False
    login(client, staff)
    response = client.get(reverse("session_create"))
    assert response.context["form"].fields["provider"].choices == [
        ("none", "No online meeting"),
        ("custom", "Custom link"),
    ]
    assert response.context["form"].fields["provider"].initial == "none"


def test_it_lets_a_consultant_pick_only_themselves(client, consultant, consultant2):
    login(client, consultant)
    choices = [
        label
        for _, label in client.get(reverse("session_create")).context["form"].fields["consultant"].choices
    ]
    assert choices == ["Carla Consultant"]


def test_it_lets_staff_pick_any_member_who_hosts(client, staff, admin, consultant, consultant2):
    login(client, staff)
    choices = [
        label
        for _, label in client.get(reverse("session_create")).context["form"].fields["consultant"].choices
    ]
    assert choices == ["Adam Admin", "Carla Consultant", "Dev Consultant", "Olivia Owner"]


def test_it_schedules_a_session_from_local_time_and_stores_utc(client, staff, form, student):
    login(client, staff)
    response = client.post(reverse("session_create"), form)
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert utc(session) == ("2027-03-10T21:00:00+00:00", "2027-03-10T22:00:00+00:00")
    assert (session.booked_by, session.booked_via) == (staff, BookedVia.STAFF)
    assert list(session.clients.all()) == [student]
    assert AuditEntry.objects.filter(action="session.scheduled", actor=staff).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "“Algebra” is scheduled. Everyone on it will get an email." in page


def test_it_stores_the_summer_offset_after_the_clocks_change(client, staff, form):
    login(client, staff)
    client.post(reverse("session_create"), {**form, "date": "2027-03-15", "duration_minutes": "45"})
    assert utc(Session.objects.get()) == ("2027-03-15T20:00:00+00:00", "2027-03-15T20:45:00+00:00")


def test_it_moves_a_time_the_clocks_skip_forward_by_the_jump(client, staff, form):
    login(client, staff)
    client.post(reverse("session_create"), {**form, "date": "2027-03-14", "start_time": "02:30"})
    assert utc(Session.objects.get()) == ("2027-03-14T07:30:00+00:00", "2027-03-14T08:30:00+00:00")


def test_it_reads_times_in_the_viewers_zone_not_the_consultants(client, staff, consultant2, form):
    login(client, staff)
    client.post(reverse("session_create"), {**form, "consultant": consultant2.pk})
    assert utc(Session.objects.get()) == ("2027-03-10T21:00:00+00:00", "2027-03-10T22:00:00+00:00")


def test_it_reads_a_london_viewers_times_in_london(client, consultant2, form):
    login(client, consultant2)
    client.post(reverse("session_create"), {**form, "consultant": consultant2.pk})
    assert utc(Session.objects.get()) == ("2027-03-10T16:00:00+00:00", "2027-03-10T17:00:00+00:00")


def test_it_schedules_a_weekly_series_across_the_dst_change(client, staff, form):
    login(client, staff)
    response = client.post(
        reverse("session_create"), {**form, "date": "2027-03-07", "repeat": "on", "count": "3"}
    )
    starts = [s.start.isoformat() for s in Session.objects.order_by("start")]
    assert starts == ["2027-03-07T21:00:00+00:00", "2027-03-14T20:00:00+00:00", "2027-03-21T20:00:00+00:00"]
    first = Session.objects.get(series_index=0)
    assert response["Location"] == f"/sessions/{first.pk}/"
    assert "is scheduled: 3 weekly sessions." in client.get(response["Location"]).content.decode()
    assert OutboundEmail.objects.filter(to="stu@example.test").count() == 1


def test_it_schedules_a_series_until_a_date_every_two_weeks(client, staff, form):
    login(client, staff)
    client.post(
        reverse("session_create"),
        {**form, "repeat": "on", "every_weeks": "2", "repeat_ends": "until", "until": "2027-04-07"},
    )
    starts = [s.start.isoformat() for s in Session.objects.order_by("start")]
    assert starts == ["2027-03-10T21:00:00+00:00", "2027-03-24T20:00:00+00:00", "2027-04-07T20:00:00+00:00"]
    assert Session.objects.first().series.every_weeks == 2


def test_it_uses_a_custom_meeting_link(client, staff, form):
    login(client, staff)
    client.post(
        reverse("session_create"),
        {**form, "provider": "custom", "custom_meeting_url": "https://meet.example.test/x"},
    )
    session = Session.objects.get()
    assert (session.provider, session.custom_meeting_url) == ("custom", "https://meet.example.test/x")
    assert list(MeetingLink.objects.values_list("provider", "desired_version")) == [("custom", 1)]


def test_it_schedules_in_person_without_a_meeting(client, staff, form):
    login(client, staff)
    client.post(
        reverse("session_create"),
        {
            **form,
            "where": "in_person",
            "provider": "custom",
            "custom_meeting_url": "https://meet.example.test/x",
            "location": "Room 4",
        },
    )
    session = Session.objects.get()
    assert (session.is_online, session.provider, session.custom_meeting_url, session.location) == (
        False,
        "none",
        "",
        "Room 4",
    )


def assert_refused(response, message: str) -> None:
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert AuditEntry.objects.filter(action="session.scheduled").count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duration_minutes": "-30"}, "Ensure this value is greater than or equal to 5."),
        ({"duration_minutes": "800"}, "Ensure this value is less than or equal to 720."),
        ({"date": "2027-02-28"}, "That time is in the past; pick a time from now on."),
        ({"date": "10/03/2027"}, "Enter a valid date."),
        ({"date": "2027-02-30"}, "Enter a valid date."),
        ({"start_time": "25:00"}, "Enter a valid time."),
        ({"title": "   "}, "This field is required."),
        ({"provider": "custom"}, "A custom meeting link needs its URL."),
        ({"provider": "zoom"}, "Carla Consultant must connect Zoom first."),
        ({"repeat": "on", "count": ""}, "Say how many sessions the series has."),
        ({"repeat": "on", "count": "200"}, "A series has 1 to 104 sessions."),
        (
            {"repeat": "on", "repeat_ends": "until", "until": "2027-03-01"},
            "The end date is before the first session.",
        ),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client, staff, form, change, message):
    login(client, staff)
    assert_refused(client.post(reverse("session_create"), {**form, **change}), message)


def test_it_refuses_a_client_of_another_organisation(client, staff, form, outsider):
    stranger = Client.objects.create(org=outsider.org, name="Other", email="o@example.test")
    login(client, staff)
    response = client.post(reverse("session_create"), {**form, "clients": [stranger.pk]})
    assert_refused(response, "That client is not one of this organisation&#x27;s clients.")


def test_it_refuses_a_consultant_booking_a_colleague(client, consultant, consultant2, form):
    login(client, consultant)
    response = client.post(reverse("session_create"), {**form, "consultant": consultant2.pk})
    assert_refused(response, "Select a valid choice. That choice is not one of the available choices.")


def test_it_refuses_a_double_booking_with_the_clash(client, staff, form, consultant, lesson):
    book(consultant, lesson, ny(10, 15, 30), title="Physics")
    login(client, staff)
    response = client.post(reverse("session_create"), form)
    assert response.status_code == 400
    assert (
        "Carla Consultant already has a session at that time (Physics, Wed 10 Mar 15:30 EST)."
        in response.content.decode()
    )
    assert list(Session.objects.values_list("title", flat=True)) == ["Physics"]
    assert OutboundEmail.objects.exclude(session__title="Physics").count() == 0


def test_it_refuses_a_series_when_a_later_week_clashes(client, staff, form, consultant, lesson):
    book(consultant, lesson, ny(24, 16), title="Physics")
    login(client, staff)
    response = client.post(reverse("session_create"), {**form, "repeat": "on", "count": "4"})
    assert response.status_code == 400
    assert "Carla Consultant already has a session at that time (Physics, Wed 24 Mar 16:00 EDT)." in (
        response.content.decode()
    )
    assert list(Session.objects.values_list("title", flat=True)) == ["Physics"]


def test_it_takes_the_length_from_the_session_type_when_left_empty(client, staff, form, org):
    consultation = org.session_types.get(name="Consultation")
    login(client, staff)
    client.post(reverse("session_create"), {**form, "session_type": consultation.pk})
    assert utc(Session.objects.get()) == ("2027-03-10T21:00:00+00:00", "2027-03-10T21:30:00+00:00")
