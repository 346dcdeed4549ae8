"""Consultants see and change their own sessions; owners, admins and staff the organisation's."""

import datetime as dt

import pytest

from sessiondesk.scheduling.models import Calendar, Session
from tests.api.conftest import future, schedule


@pytest.fixture
def carlas(consultant):
    return schedule(consultant, "Carla's lesson", future(3, 10))


@pytest.fixture
def devs(consultant2):
    return schedule(consultant2, "Dev's lesson", future(3, 10))


def titles(api):
    return [item["title"] for item in api.get("/sessions/").json()["items"]]


@pytest.mark.parametrize("role", ["owner", "admin", "staff"])
def test_managers_see_every_session(request, call_as, role, carlas, devs):
    assert titles(call_as(request.getfixturevalue(role))) == ["Carla's lesson", "Dev's lesson"]


def test_a_consultant_sees_only_their_own_sessions(call_as, consultant, carlas, devs):
    api = call_as(consultant)
    assert titles(api) == ["Carla's lesson"]
    assert api.get(f"/sessions/{devs.pk}").status_code == 404


def test_a_consultant_sees_sessions_they_co_host(call_as, consultant, consultant2, lesson):
    start = future(4, 10)
    schedule(consultant2, "Panel", start, co_hosts=[consultant])
    assert titles(call_as(consultant)) == ["Panel"]


def test_a_co_host_cannot_change_the_session(call_as, consultant, consultant2):
    panel = schedule(consultant2, "Panel", future(4, 10), co_hosts=[consultant])
    response = call_as(consultant).patch(f"/sessions/{panel.pk}", {"title": "Mine now"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the session's consultant, staff and admins can change it."
    assert Session.objects.get().title == "Panel"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("patch", "", {"title": "Taken over"}),
        ("post", "/reschedule", {"start": future(5, 10).isoformat()}),
        ("post", "/cancel", {}),
    ],
)
def test_a_consultant_cannot_touch_a_colleagues_session(call_as, consultant, devs, method, suffix, body):
    response = getattr(call_as(consultant), method)(f"/sessions/{devs.pk}{suffix}", body)
    assert response.status_code == 404
    devs.refresh_from_db()
    assert (devs.title, devs.status, devs.start) == ("Dev's lesson", "scheduled", future(3, 10))


def test_a_consultant_cannot_book_a_colleague(call_as, consultant, consultant2, lesson):
    start = future(3, 10)
    response = call_as(consultant).post(
        "/sessions/",
        {
            "title": "For Dev",
            "session_type": lesson.pk,
            "consultant": consultant2.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Consultants can only schedule sessions they host themselves."
    assert Session.objects.count() == 0


def test_a_consultant_cannot_hand_a_session_to_a_colleague(call_as, consultant, consultant2, carlas):
    response = call_as(consultant).patch(f"/sessions/{carlas.pk}", {"consultant": consultant2.pk})
    assert response.status_code == 403
    carlas.refresh_from_db()
    assert carlas.consultant == consultant


def test_a_consultant_sees_only_their_calendars(call_as, consultant, consultant2, carla_calendar, lesson):
    devs_calendar = Calendar.objects.create(org=consultant.org, name="Dev", slug="dev", session_type=lesson)
    devs_calendar.members.set([consultant2])
    api = call_as(consultant)
    assert [c["slug"] for c in api.get("/calendars/").json()] == ["carla"]
    assert api.get(f"/calendars/{devs_calendar.pk}").status_code == 404
    assert api.get(f"/calendars/{devs_calendar.pk}/slots").status_code == 404
    assert api.patch(f"/calendars/{devs_calendar.pk}", {"name": "Mine"}).status_code == 404
    assert call_as(consultant2).get("/calendars/").json()[0]["slug"] == "dev"
