"""Zoom in the session form: offered, the member's default, and connecting on first use."""

import datetime as dt

import pytest
from django.urls import reverse

from sessiondesk.integrations.zoom.models import MeetingPreference, OAuthState, ZoomConnection
from sessiondesk.meetings.models import MeetingLink
from sessiondesk.scheduling.forms.sessions import local_start
from sessiondesk.scheduling.models import Session
from tests.conftest import login
from tests.integrations.zoom.conftest import back_from_zoom
from tests.integrations.zoom.meeting_fixtures import unpaced  # noqa: F401
from tests.support.sessions import zoom_session
from tests.support.zoom import connect

CARLA = "carla@zoom.acme.test"
ADAM = "adam@zoom.acme.test"
RESUME = "/sessions/new/?resume=1"  # the form, opened to take back what was kept


@pytest.fixture
def form(lesson, consultant, student) -> dict:  # type: ignore[no-untyped-def]
    return {
        "title": "Algebra",
        "session_type": lesson.pk,
        "consultant": consultant.pk,
        "date": "2030-03-12",
        "start_time": "16:00",
        "duration_minutes": "",
        "clients": [student.pk],
        "where": "online",
        "provider": "zoom",
        "custom_meeting_url": "",
        "location": "",
        "agenda": "",
        "every_weeks": "1",
        "repeat_ends": "count",
        "count": "10",
    }


def test_online_sessions_default_to_the_members_meeting_platform(client, consultant, zoom) -> None:  # type: ignore[no-untyped-def]
    login(client, consultant)
    assert client.get(reverse("session_create")).context["form"].fields["provider"].initial == "zoom"
    MeetingPreference.objects.create(
        member=consultant, platform="custom", custom_url="https://meet.example.test/c"
    )
    assert client.get(reverse("session_create")).context["form"].fields["provider"].initial == "custom"


def test_a_consultant_without_zoom_is_sent_to_zoom_and_the_session_is_saved_on_return(  # type: ignore[no-untyped-def]
    client, consultant, zoom, form
) -> None:
    login(client, consultant)
    response = client.post(reverse("session_create"), form)
    assert response.status_code == 302
    assert response["Location"].startswith("http://zoom.test/oauth/authorize?")
    assert Session.objects.count() == 0
    assert OAuthState.objects.get().draft["session_form"]["title"] == ["Algebra"]
    with zoom.committing():
        back = back_from_zoom(client, zoom.consent(response["Location"], CARLA))
        # Zoom's part ends at the page that sent the person there, which saves what was kept.
        assert (back.status_code, back["Location"], Session.objects.count()) == (
            302, RESUME, 0,
        )  # fmt: skip
        saved = client.get(back["Location"])
    session = Session.objects.get()
    assert saved["Location"] == reverse("session_detail", args=[session.pk])
    again = client.get(RESUME)  # the kept form is used once
    assert (again.status_code, again.context["form"].is_bound) == (200, False)
    assert Session.objects.count() == 1
    assert (session.title, session.provider, session.consultant, session.is_online) == (
        "Algebra", "zoom", consultant, True,
    )  # fmt: skip
    assert ZoomConnection.objects.get().member == consultant
    assert MeetingLink.objects.filter(session=session, provider="zoom").count() == 1


def busy_at(consultant, lesson, day: dt.date, title: str = "Physics lesson") -> Session:  # type: ignore[no-untyped-def]
    """A session of the consultant's at 16:00 on ``day``, the time the form asks for."""
    start = local_start(day, dt.time(16), consultant.timezone)
    return zoom_session(consultant, lesson, title=title, start=start, end=start + dt.timedelta(hours=1))


def test_a_clash_is_refused_before_sending_anyone_to_zoom(client, consultant, lesson, zoom, form) -> None:  # type: ignore[no-untyped-def]
    busy_at(consultant, lesson, dt.date(2030, 3, 12))
    login(client, consultant)
    response = client.post(reverse("session_create"), form)
    assert response.status_code == 400
    assert "Carla Consultant already has a session at that time (Physics lesson, Tue 12 Mar 16:00 EDT)." in (
        response.content.decode()
    )
    assert response.context["form"].data["title"] == "Algebra"
    assert (Session.objects.count(), OAuthState.objects.count(), ZoomConnection.objects.count()) == (1, 0, 0)
    assert zoom.requests() == []


def test_a_clash_in_a_later_week_of_a_series_is_refused_before_zoom_too(  # type: ignore[no-untyped-def]
    client, consultant, lesson, zoom, form
) -> None:
    busy_at(consultant, lesson, dt.date(2030, 3, 26))
    login(client, consultant)
    response = client.post(reverse("session_create"), {**form, "repeat": "on", "count": "4"})
    assert response.status_code == 400
    assert "(Physics lesson, Tue 26 Mar 16:00 EDT)" in response.content.decode()
    assert (Session.objects.count(), OAuthState.objects.count()) == (1, 0)


def test_a_draft_refused_on_return_from_zoom_survives_a_reload(  # type: ignore[no-untyped-def]
    client, consultant, lesson, zoom, form
) -> None:
    login(client, consultant)
    response = client.post(reverse("session_create"), form)
    assert response["Location"].startswith("http://zoom.test/oauth/authorize?")
    busy_at(consultant, lesson, dt.date(2030, 3, 12))  # booked while Carla was at Zoom
    with zoom.committing():
        back = back_from_zoom(client, zoom.consent(response["Location"], CARLA))
    assert back["Location"] == RESUME
    for _ in range(2):  # coming back, then reloading that page
        page = client.get(RESUME)
        assert page.status_code == 400
        text = page.content.decode()
        assert (
            "Carla Consultant already has a session at that time (Physics lesson, Tue 12 Mar 16:00 EDT)."
            in text
        )
        assert "already used or is not valid" not in text
        assert page.context["form"].data["title"] == "Algebra"
    assert Session.objects.count() == 1
    assert ZoomConnection.objects.get().member == consultant

    blank = client.get(reverse("session_create"))  # opened afresh: the draft is abandoned
    assert (blank.status_code, blank.context["form"].is_bound) == (200, False)
    after = client.get(RESUME)
    assert (after.status_code, after.context["form"].is_bound, Session.objects.count()) == (200, False, 1)


def test_saving_for_another_consultant_without_zoom_is_refused_and_saves_nothing(
    client, staff, zoom, form
) -> None:  # type: ignore[no-untyped-def]
    login(client, staff)
    response = client.post(reverse("session_create"), form)
    assert response.status_code == 400
    assert "Carla Consultant must connect Zoom first." in response.content.decode()
    assert (Session.objects.count(), OAuthState.objects.count(), MeetingLink.objects.count()) == (0, 0, 0)


def test_the_organisation_account_lets_staff_book_zoom_for_anyone(client, admin, staff, zoom, form) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, admin, ADAM, kind="organization")
    login(client, staff)
    response = client.post(reverse("session_create"), form)
    session = Session.objects.get()
    assert response["Location"] == reverse("session_detail", args=[session.pk])
    assert session.provider == "zoom"


def test_a_consultant_with_zoom_saves_directly(client, consultant, zoom, form) -> None:  # type: ignore[no-untyped-def]
    connect(zoom.http, consultant, CARLA)
    login(client, consultant)
    response = client.post(reverse("session_create"), form)
    assert response["Location"] == reverse("session_detail", args=[Session.objects.get().pk])
    assert OAuthState.objects.count() == 0


def test_reassigning_a_zoom_session_to_a_consultant_without_zoom_is_refused(  # type: ignore[no-untyped-def]
    client, staff, consultant, consultant2, zoom, lesson
) -> None:
    from sessiondesk.scheduling.forms.sessions import EditSessionForm
    from tests.support.sessions import zoom_session

    connect(zoom.http, consultant, CARLA)
    session = zoom_session(consultant, lesson)
    data = {k: v for k, v in EditSessionForm.initial_from(session).items() if v is not None}
    login(client, staff)
    response = client.post(reverse("session_edit", args=[session.pk]), {**data, "consultant": consultant2.pk})
    assert response.status_code == 400
    assert f"{consultant2.name} must connect Zoom first." in response.content.decode()
    assert Session.objects.get(pk=session.pk).consultant == consultant
    assert MeetingLink.objects.get(session=session).desired_version == 1
    renamed = client.post(reverse("session_edit", args=[session.pk]), {**data, "title": "Renamed"})
    assert renamed.status_code == 302
