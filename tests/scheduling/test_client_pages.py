import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import Client
from tests.conftest import login
from tests.scheduling.conftest import future
from tests.support.sessions import make_session

VALID = {
    "name": "Tia Taylor",
    "email": "Tia@Example.test",
    "phone": "+44 20 7946 0000",
    "timezone": "Europe/London",
    "notes": "Prefers mornings",
}


@pytest.fixture
def booked(org, consultant, student, lesson):
    """A session of Carla's with the student."""
    start = future(2, 10)
    draft = actions.SessionDraft(
        title="Algebra",
        start=start,
        end=start + dt.timedelta(hours=1),
        session_type=lesson,
        consultant=consultant,
        clients=[student],
    )
    return actions.schedule_session(org, draft, actor=consultant)


# --- gating ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["client_list", "client_create"])
def test_it_requires_login(client, org, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


@pytest.mark.parametrize("name", ["client_detail", "client_edit"])
def test_object_pages_require_login(client, student, name):
    response = client.get(reverse(name, args=[student.pk]))
    assert response.status_code == 302
    assert Client.objects.get(pk=student.pk).name == "Stu Student"


@pytest.mark.parametrize("name", ["client_detail", "client_edit"])
def test_a_member_of_another_organisation_gets_404(client, outsider, student, name):
    login(client, outsider)
    assert client.get(reverse(name, args=[student.pk])).status_code == 404
    assert client.post(reverse("client_edit", args=[student.pk]), VALID).status_code == 404
    assert Client.objects.get(pk=student.pk).email == "stu@example.test"


def test_the_list_hides_other_organisations_clients(client, outsider, student):
    login(client, outsider)
    response = client.get(reverse("client_list"))
    assert response.status_code == 200
    assert "Stu Student" not in response.content.decode()


# --- who sees what --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "admin", "staff"])
def test_managers_see_and_edit_every_client(client, request, student, role):
    login(client, request.getfixturevalue(role))
    assert "Stu Student" in client.get(reverse("client_list")).content.decode()
    assert client.get(reverse("client_detail", args=[student.pk])).status_code == 200
    assert client.get(reverse("client_edit", args=[student.pk])).status_code == 200


def test_a_consultant_sees_only_the_clients_of_their_sessions(
    client, consultant, consultant2, student, booked
):
    other = Client.objects.create(org=student.org, name="Olga Other", email="olga@example.test")
    login(client, consultant)
    page = client.get(reverse("client_list")).content.decode()
    assert "Stu Student" in page
    assert "Olga Other" not in page
    assert client.get(reverse("client_detail", args=[student.pk])).status_code == 200
    assert client.get(reverse("client_detail", args=[other.pk])).status_code == 403
    login(client, consultant2)
    assert client.get(reverse("client_detail", args=[student.pk])).status_code == 403


def test_a_consultant_cannot_edit_a_client_they_did_not_add(client, consultant, student, booked):
    login(client, consultant)
    response = client.post(reverse("client_edit", args=[student.pk]), VALID)
    assert response.status_code == 403
    assert Client.objects.get(pk=student.pk).name == "Stu Student"
    assert AuditEntry.objects.filter(action="client.updated").count() == 0


def test_a_consultant_adds_a_client_then_sees_and_edits_it(client, consultant):
    login(client, consultant)
    response = client.post(reverse("client_create"), VALID)
    created = Client.objects.get(email="tia@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("client_detail", args=[created.pk])
    assert created.created_by == consultant
    assert "Tia Taylor" in client.get(reverse("client_list")).content.decode()
    response = client.post(reverse("client_edit", args=[created.pk]), {**VALID, "name": "Tia T. Taylor"})
    assert response.status_code == 302
    assert Client.objects.get(pk=created.pk).name == "Tia T. Taylor"


# --- create and edit ------------------------------------------------------------------------------------


def test_it_creates_a_client_with_an_audit_entry(client, org, staff):
    login(client, staff)
    response = client.post(reverse("client_create"), VALID, follow=True)
    created = Client.objects.get(org=org, email="tia@example.test")
    assert (created.name, created.phone, created.timezone, created.notes) == (
        "Tia Taylor",
        "+44 20 7946 0000",
        "Europe/London",
        "Prefers mornings",
    )
    assert "Tia Taylor was added to your clients." in response.content.decode()
    entry = AuditEntry.objects.get(action="client.created")
    assert (entry.actor, entry.object_id) == (staff, str(created.pk))


def test_the_new_client_form_defaults_to_the_organisations_time_zone(client, staff):
    login(client, staff)
    page = client.get(reverse("client_create")).content.decode()
    assert '<option value="America/New_York" selected>' in page


def test_it_refuses_a_duplicate_email_in_the_organisation(client, staff, student):
    login(client, staff)
    response = client.post(reverse("client_create"), {**VALID, "email": "STU@example.test"})
    assert response.status_code == 400
    assert "Another client in your organisation already uses this email address." in response.content.decode()
    assert Client.objects.count() == 1
    assert AuditEntry.objects.filter(action="client.created").count() == 0


def test_the_same_email_is_fine_in_another_organisation(client, outsider, student):
    login(client, outsider)
    response = client.post(reverse("client_create"), {**VALID, "email": "stu@example.test"})
    assert response.status_code == 302
    assert Client.objects.filter(email="stu@example.test").count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        (
            "timezone",
            "Mars/Olympus",
            "Unknown time zone &#x27;Mars/Olympus&#x27;; pick one from the list.",
        ),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client, staff, field, value, message):
    login(client, staff)
    response = client.post(reverse("client_create"), {**VALID, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Client.objects.count() == 0


def test_editing_keeps_its_own_email_and_refuses_another_clients(client, org, staff, student):
    Client.objects.create(org=org, name="Taken", email="taken@example.test")
    login(client, staff)
    same = {**VALID, "email": "stu@example.test", "name": "Stu Renamed"}
    assert client.post(reverse("client_edit", args=[student.pk]), same).status_code == 302
    assert Client.objects.get(pk=student.pk).name == "Stu Renamed"
    response = client.post(reverse("client_edit", args=[student.pk]), {**same, "email": "taken@example.test"})
    assert response.status_code == 400
    assert Client.objects.get(pk=student.pk).email == "stu@example.test"


# --- search ---------------------------------------------------------------------------------------------


@pytest.fixture
def clients_abc(org):
    for name, email, phone in [
        ("Alice Adams", "alice@example.test", "+1 555 0101"),
        ("Bob Brown", "bob@school.test", "+1 555 0202"),
        ("Cleo Carter", "cleo@example.test", "+44 7700 900303"),
    ]:
        Client.objects.create(org=org, name=name, email=email, phone=phone)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ali", ["Alice Adams"]),
        ("school", ["Bob Brown"]),
        ("900303", ["Cleo Carter"]),
        ("example", ["Alice Adams", "Cleo Carter"]),
        ("", ["Alice Adams", "Bob Brown", "Cleo Carter"]),
    ],
)
def test_it_searches_by_name_email_and_phone(client, staff, clients_abc, query, expected):
    login(client, staff)
    response = client.get(reverse("client_list"), {"q": query})
    assert [c.name for c in response.context["clients"]] == expected


def test_live_search_returns_only_the_results(client, staff, clients_abc):
    login(client, staff)
    response = client.get(
        reverse("client_list"), {"q": "bob"}, headers={"HX-Request": "true", "HX-Target": "client-results"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bob Brown" in page
    assert "Alice Adams" not in page
    assert "<html" not in page


def test_a_search_without_matches_says_so(client, staff, clients_abc):
    login(client, staff)
    page = client.get(reverse("client_list"), {"q": "zebra"}).content.decode()
    assert "No clients match “zebra”." in page


# --- detail ---------------------------------------------------------------------------------------------


def test_the_detail_page_shows_sessions_in_the_viewers_time_zone_and_the_portal_link(
    client, staff, student, booked
):
    login(client, staff)
    response = client.get(reverse("client_detail", args=[student.pk]))
    page = response.content.decode()
    assert [s.title for s in response.context["upcoming"]] == ["Algebra"]
    assert response.context["past"] == []
    assert f"{booked.start.astimezone(dt.timezone(booked.start.utcoffset())):%H:%M}" in page
    assert "Times are shown in your time zone, America/New York." in page
    assert response.context["portal_url"].startswith("http")
    assert "/portal/" in response.context["portal_url"]
    assert "Copy portal link" in page


def test_cancelled_sessions_are_listed_as_past(client, staff, student, booked):
    actions.cancel_session(booked, actor=staff)
    login(client, staff)
    response = client.get(reverse("client_detail", args=[student.pk]))
    assert response.context["upcoming"] == []
    assert [s.title for s in response.context["past"]] == ["Algebra"]


# --- pages ----------------------------------------------------------------------------------------------


def _link(response, rel: str) -> str:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    assert match is not None, f"no {rel} link"
    return html.unescape(match.group(1))


def _many(org, count: int, first: int = 0, **fields) -> None:
    Client.objects.bulk_create(
        Client(org=org, name=f"Pupil {n:03}", email=f"pupil{n:03}@example.test", **fields)
        for n in range(first, first + count)
    )


def test_the_list_pages_by_name_and_keeps_the_search(client, staff, org, student):
    _many(org, 55)
    login(client, staff)
    first = client.get(reverse("client_list"), {"q": "pupil"})
    assert [c.name for c in first.context["clients"]] == [f"Pupil {n:03}" for n in range(50)]
    assert 'rel="prev"' not in first.content.decode()
    next_link = _link(first, "next")
    assert next_link.startswith("?q=pupil&after=")
    second = client.get(reverse("client_list") + next_link)
    assert [c.name for c in second.context["clients"]] == [f"Pupil {n:03}" for n in range(50, 55)]
    assert 'rel="next"' not in second.content.decode()
    back = client.get(reverse("client_list") + _link(second, "prev"))
    assert [c.name for c in back.context["clients"]] == [f"Pupil {n:03}" for n in range(50)]


def test_the_list_refuses_a_cursor_it_did_not_write(client, staff, student):
    login(client, staff)
    response = client.get(reverse("client_list"), {"after": "%%%"})
    assert response.status_code == 400
    assert [c.name for c in response.context["clients"]] == ["Stu Student"]
    assert "That page link is not valid; showing the first page instead." in response.content.decode()


@pytest.mark.parametrize("viewer", ["staff", "consultant"])
def test_the_list_makes_as_many_queries_for_many_clients_as_for_few(client, request, org, viewer):
    member = request.getfixturevalue(viewer)
    _many(org, 3, created_by=member)
    login(client, member)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(reverse("client_list")).context["clients"]) == 3
    _many(org, 150, first=3, created_by=member)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("client_list"))
        assert len(response.context["clients"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as later:
        assert len(client.get(reverse("client_list") + _link(response, "next")).context["clients"]) == 50
    assert len(later.captured_queries) == len(few.captured_queries)


def test_the_detail_page_shows_the_next_and_the_latest_sessions_of_a_long_history(
    client, staff, consultant, student, lesson
):
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    weeks = range(-30, 28)  # 30 past weeks, 28 ahead
    made = {
        w: make_session(
            consultant,
            lesson,
            title=f"Week {w}",
            start=now + dt.timedelta(weeks=w, hours=1),
            end=now + dt.timedelta(weeks=w, hours=2),
        )
        for w in weeks
    }
    for session in made.values():
        session.clients.set([student])
    login(client, staff)
    response = client.get(reverse("client_detail", args=[student.pk]))
    page = response.content.decode()
    assert [s.title for s in response.context["upcoming"]] == [f"Week {w}" for w in range(0, 25)]
    assert [s.title for s in response.context["past"]] == [f"Week {w}" for w in range(-1, -26, -1)]
    assert "Week 25" not in page and "Week -26" not in page
    assert "The next 25 are shown." in page
    assert "The latest 25 are shown." in page
    assert f'href="/?client={student.pk}"' in page


def test_the_detail_page_of_a_short_history_has_no_more_links(client, staff, student, booked):
    login(client, staff)
    page = client.get(reverse("client_detail", args=[student.pk])).content.decode()
    assert "are shown." not in page
