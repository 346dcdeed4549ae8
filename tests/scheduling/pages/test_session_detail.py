"""The session card: times for everyone, people, booking, series and the meeting block."""

from django.urls import reverse

from sessiondesk.scheduling import actions
from tests.conftest import login
from tests.scheduling.pages.conftest import DASH


def test_it_shows_the_time_in_the_viewers_and_each_attendees_zone(client, algebra, staff, consultant2):
    algebra.co_hosts.add(consultant2)
    login(client, staff)
    html = client.get(reverse("session_detail", args=[algebra.pk])).content.decode()
    assert f"<strong>Wednesday 3 March 2027, 16:00{DASH}17:00</strong>" in html
    assert "America/New York (EST), your time zone" in html
    assert "For Dev Consultant: Wed 3 Mar, 21:00 GMT" in html
    assert "For Stu Student: Thu 4 Mar, 06:00 JST" in html
    assert "For Carla Consultant" not in html  # same zone as the viewer


def test_it_shows_the_people_and_who_booked(client, algebra, staff, student):
    login(client, staff)
    html = client.get(reverse("session_detail", args=[algebra.pk])).content.decode()
    assert "<dt>Consultant</dt><dd>Carla Consultant</dd>" in html
    assert f'<a href="/clients/{student.pk}/">Stu Student</a>' in html
    assert "by Carla Consultant in SessionDesk, 1 Mar 2027, 07:00 EST" in html
    assert '<span class="badge badge-ok">Scheduled</span>' in html


def test_it_includes_the_live_meeting_block(client, algebra, staff):
    login(client, staff)
    html = client.get(reverse("session_detail", args=[algebra.pk])).content.decode()
    assert f'id="meeting-block-{algebra.pk}"' in html
    assert '<a href="https://meet.example.test/carla" target="_blank" rel="noopener">' in html


def test_it_offers_the_actions_and_a_cancel_dialog(client, algebra, staff):
    login(client, staff)
    html = client.get(reverse("session_detail", args=[algebra.pk])).content.decode()
    assert f'<a class="btn" href="/sessions/{algebra.pk}/edit/">Edit</a>' in html
    assert f'<a class="btn" href="/sessions/{algebra.pk}/reschedule/">Reschedule</a>' in html
    assert 'data-open-dialog="cancel-dialog"' in html
    assert '<dialog id="cancel-dialog"' in html
    assert f'action="/sessions/{algebra.pk}/cancel/"' in html
    assert 'name="scope"' not in html  # a single session has no "this and following"


def test_it_shows_series_position_and_scope_choices(client, weekly, staff):
    login(client, staff)
    html = client.get(reverse("session_detail", args=[weekly[1].pk])).content.decode()
    assert "Session 2 of 4 in a series every\n      week." in html
    assert f'<a href="/sessions/{weekly[0].pk}/">← Previous</a>' in html
    assert f'<a href="/sessions/{weekly[2].pk}/">Next →</a>' in html
    assert 'value="following"' in html


def test_it_shows_a_cancelled_session_without_actions(client, algebra, staff):
    actions.cancel_session(algebra, actor=staff, reason="Student is ill")
    login(client, staff)
    html = client.get(reverse("session_detail", args=[algebra.pk])).content.decode()
    assert '<span class="badge badge-bad">Cancelled</span>' in html
    assert "Reason: Student is ill" in html
    assert "data-open-dialog" not in html
    assert "/edit/" not in html
