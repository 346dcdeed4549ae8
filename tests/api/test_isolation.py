"""A member of another organisation finds nothing of Acme's: every id is 404, every list is empty."""

import pytest

from sessiondesk.scheduling.models import Calendar, Client, Session
from tests.api.conftest import future, schedule


@pytest.fixture
def acme(consultant, student, carla_calendar):
    session = schedule(consultant, "Acme lesson", future(3, 10), clients=[student])
    return {"session": session, "client": student, "calendar": carla_calendar}


@pytest.fixture
def rival(call_as, outsider):
    return call_as(outsider)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/sessions/{session}", None),
        ("patch", "/sessions/{session}", {"title": "Mine"}),
        ("post", "/sessions/{session}/reschedule", {"start": "2030-01-07T10:00:00Z"}),
        ("post", "/sessions/{session}/cancel", {}),
        ("get", "/calendars/{calendar}", None),
        ("patch", "/calendars/{calendar}", {"name": "Mine"}),
        ("get", "/calendars/{calendar}/slots", None),
        ("get", "/clients/{client}", None),
        ("patch", "/clients/{client}", {"name": "Mine"}),
    ],
)
def test_another_organisation_gets_404(rival, acme, method, path, body):
    url = path.format(**{name: obj.pk for name, obj in acme.items()})
    response = getattr(rival, method)(url, body) if body is not None else getattr(rival, method)(url)
    assert response.status_code == 404
    assert response.json()["detail"].endswith("not found.")
    session = Session.objects.get()
    assert (session.title, session.status, session.start) == (
        "Acme lesson",
        "scheduled",
        acme["session"].start,
    )
    assert Calendar.objects.get(pk=acme["calendar"].pk).name == "Carla's lessons"
    assert Client.objects.get(pk=acme["client"].pk).name == "Stu Student"


def test_another_organisation_sees_none_of_acme_in_lists(rival, acme, outsider):
    assert rival.get("/sessions/", {"count": "true"}).json() == {
        "items": [],
        "limit": 50,
        "offset": 0,
        "next_cursor": None,
        "count": 0,
    }
    assert rival.get("/sessions/", {"consultant": acme["session"].consultant_id}).json()["items"] == []
    assert rival.get("/calendars/").json() == []
    assert rival.get("/clients/", {"q": "Stu", "count": "true"}).json()["count"] == 0
    assert [m["id"] for m in rival.get("/members").json()] == [outsider.pk]
    assert {t["name"] for t in rival.get("/session-types").json()} == {
        "Consultation",
        "Interview",
        "Lesson",
        "Onboarding",
    }
    acme_types = set(acme["session"].org.session_types.values_list("pk", flat=True))
    assert acme_types.isdisjoint({t["id"] for t in rival.get("/session-types").json()})


def test_another_organisation_cannot_book_acme_people(rival, acme, outsider, consultant, student, lesson):
    start = future(4, 10)
    response = rival.post(
        "/sessions/",
        {
            "title": "Poach",
            "session_type": outsider.org.session_types.get(name="Lesson").pk,
            "consultant": outsider.pk,
            "start": start.isoformat(),
            "end": start.replace(hour=11).isoformat(),
            "clients": [student.pk],
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"No client with id {student.pk} in this organisation.",
        "field": "clients",
    }
    assert Session.objects.count() == 1


def test_another_organisation_cannot_put_acme_members_on_a_calendar(
    rival, acme, consultant, lesson, outsider
):
    response = rival.post(
        "/calendars/",
        {
            "name": "Poach",
            "members": [consultant.pk],
            "session_type": outsider.org.session_types.get(name="Lesson").pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["detail"] == f"No member with id {consultant.pk} in this organisation."
    response = rival.post(
        "/calendars/", {"name": "Poach", "members": [outsider.pk], "session_type": lesson.pk}
    )
    assert response.json()["detail"] == f"No session type with id {lesson.pk} in this organisation."
    assert Calendar.objects.count() == 1
