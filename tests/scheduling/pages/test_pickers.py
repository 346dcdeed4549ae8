"""The client and member pickers: at most 20 matches, the asker's usual people first, only what the
asker may see; "new client" inline; and the forms' no-script path (type, Find, tick)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessiondesk.accounts.models import AuditEntry
from sessiondesk.scheduling.models import Client, Session
from tests.conftest import login
from tests.scheduling.pages.conftest import book, ny


def names(response) -> list[str]:
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


def many_clients(org, count: int, prefix: str = "Pupil") -> list[Client]:
    return [
        Client.objects.create(org=org, name=f"{prefix} {n:02}", email=f"{prefix.lower()}{n:02}@example.test")
        for n in range(count)
    ]


@pytest.mark.parametrize("name", ["pick_clients", "pick_hosts", "pick_members"])
def test_it_requires_login(client, name):
    response = client.get(reverse(name), {"q": "a"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_at_most_twenty_matches_by_name(client, staff, org):
    many_clients(org, 30)
    login(client, staff)
    response = client.get(reverse("pick_clients"), {"q": "pupil"})
    assert names(response) == [f"Pupil {n:02}" for n in range(20)]
    assert response.json()["more"] is True
    narrow = client.get(reverse("pick_clients"), {"q": "pupil2"})  # their emails: pupil20@ to pupil29@
    assert names(narrow) == [f"Pupil {n:02}" for n in range(20, 30)]
    assert narrow.json()["more"] is False


def test_it_matches_every_word_against_name_email_or_phone(client, staff, org, student):
    many_clients(org, 3)
    login(client, staff)
    assert names(client.get(reverse("pick_clients"), {"q": "stu example"})) == ["Stu Student"]
    assert names(client.get(reverse("pick_clients"), {"q": "555 0100"})) == ["Stu Student"]
    assert names(client.get(reverse("pick_clients"), {"q": "nobody"})) == []


def test_it_puts_the_askers_frequent_and_recent_clients_first(client, staff, consultant, lesson, org):
    _aaron, zed, yan = (
        Client.objects.create(org=org, name=name, email=f"{name.lower()}@example.test")
        for name in ["Aaron", "Zed", "Yan"]
    )
    for day in (2, 3, 4):
        book(consultant, lesson, ny(day, 9), title="Zed's lesson", clients=[zed], actor=staff)
    book(consultant, lesson, ny(5, 9), title="Yan's lesson", clients=[yan], actor=staff)
    login(client, staff)
    assert names(client.get(reverse("pick_clients"))) == ["Zed", "Yan", "Aaron"]
    assert names(client.get(reverse("pick_clients"), {"q": "n"})) == ["Yan", "Aaron"]


def test_it_ranks_by_the_asker_not_by_colleagues(client, staff, admin, consultant, lesson, org):
    _aaron, zed = (
        Client.objects.create(org=org, name=name, email=f"{name.lower()}@example.test")
        for name in ["Aaron", "Zed"]
    )
    book(consultant, lesson, ny(2, 9), clients=[zed], actor=admin)
    login(client, staff)
    assert names(client.get(reverse("pick_clients"))) == ["Aaron", "Zed"]


def test_it_never_shows_another_organisations_clients(client, staff, outsider, student):
    Client.objects.create(org=outsider.org, name="Stu Rival", email="stu@rival.test")
    login(client, staff)
    assert names(client.get(reverse("pick_clients"), {"q": "stu"})) == ["Stu Student"]


def test_it_shows_a_consultant_only_the_clients_they_may_see(client, consultant, consultant2, lesson, org):
    mine, theirs, added = (
        Client.objects.create(org=org, name=name, email=f"{name.lower()}@example.test")
        for name in ["Mia", "Theo", "Ada"]
    )
    Client.objects.filter(pk=added.pk).update(created_by=consultant)
    book(consultant, lesson, ny(2, 9), clients=[mine])
    book(consultant2, lesson, ny(2, 9), clients=[theirs])
    login(client, consultant)
    assert names(client.get(reverse("pick_clients"))) == ["Mia", "Ada"]


def test_it_offers_a_consultant_only_themselves_as_host(client, consultant, consultant2):
    login(client, consultant)
    assert names(client.get(reverse("pick_hosts"))) == ["Carla Consultant"]
    assert names(client.get(reverse("pick_hosts"), {"q": "dev"})) == []


def test_it_offers_staff_every_host_with_their_usual_consultant_first(
    client, staff, admin, consultant, consultant2, lesson, outsider
):
    book(consultant2, lesson, ny(2, 9), actor=staff)
    login(client, staff)
    assert names(client.get(reverse("pick_hosts"))) == [
        "Dev Consultant",
        "Adam Admin",
        "Carla Consultant",
        "Olivia Owner",
    ]
    assert names(client.get(reverse("pick_hosts"), {"q": "acme.test consultant"})) == [
        "Dev Consultant",
        "Carla Consultant",
    ]


def test_it_lists_all_members_to_managers_only(client, staff, consultant, outsider):
    login(client, staff)
    assert names(client.get(reverse("pick_members"), {"q": "a"})) == [
        "Carla Consultant",
        "Olivia Owner",
        "Sam Staff",
    ]
    login(client, consultant)
    assert client.get(reverse("pick_members"), {"q": "a"}).status_code == 403


def test_it_adds_a_new_client_inline(client, staff, org):
    login(client, staff)
    response = client.post(reverse("pick_client_new"), {"name": " Nina New ", "email": "Nina@Example.test"})
    assert response.status_code == 201
    nina = Client.objects.get(org=org, email="nina@example.test")
    assert response.json() == {"id": nina.pk, "name": "Nina New", "detail": "nina@example.test"}
    assert (nina.name, nina.timezone, nina.created_by) == ("Nina New", org.timezone, staff)
    assert (
        AuditEntry.objects.filter(action="client.created", actor=staff, object_id=str(nina.pk)).count() == 1
    )


@pytest.mark.parametrize(
    "data, errors",
    [
        ({"name": "", "email": "x@example.test"}, {"name": ["This field is required."]}),
        ({"name": "X", "email": "not an email"}, {"email": ["Enter a valid email address."]}),
        (
            {"name": "Stu Again", "email": "STU@example.test"},
            {"email": ["Another client in your organisation already uses this email address."]},
        ),
    ],
)
def test_it_refuses_a_bad_new_client_and_adds_nothing(client, staff, student, data, errors):
    login(client, staff)
    response = client.post(reverse("pick_client_new"), data)
    assert response.status_code == 400
    assert response.json() == {"errors": errors}
    assert list(Client.objects.values_list("name", flat=True)) == ["Stu Student"]
    assert not AuditEntry.objects.filter(action="client.created").exists()


def test_it_refuses_to_add_a_client_by_get(client, staff):
    login(client, staff)
    assert client.get(reverse("pick_client_new"), {"name": "X", "email": "x@example.test"}).status_code == 405
    assert not Client.objects.exists()


def test_the_schedule_form_lists_no_clients_but_the_chosen_ones(client, staff, org):
    many_clients(org, 60)
    login(client, staff)
    html = client.get(reverse("session_create")).content.decode()
    assert "Pupil" not in html
    assert 'data-picker-url="/pick/clients/"' in html
    assert 'data-picker-new="/pick/clients/new/"' in html
    assert 'data-picker-url="/pick/hosts/"' in html


def test_find_shows_the_matches_and_keeps_what_was_typed_without_saving(client, staff, form_data, org):
    many_clients(org, 25)
    login(client, staff)
    data = {**form_data, "title": "Kept title", "clients_q": "pupil1", "picker": "clients"}
    response = client.post(reverse("session_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Session.objects.exists()
    assert 'value="Kept title"' in html
    assert html.count('type="checkbox" name="clients"') == 11  # Stu (chosen) and Pupil 10 to 19
    assert 'type="checkbox" name="clients" value="{}" checked'.format(form_data["clients"][0]) in html
    assert "Pupil 10" in html and "Pupil 19" in html and "Pupil 09" not in html
    assert '<ul class="errorlist' not in html


def test_a_client_ticked_after_find_is_booked(client, staff, form_data, org):
    pupil = many_clients(org, 1)[0]
    login(client, staff)
    response = client.post(reverse("session_create"), {**form_data, "clients": [pupil.pk]})
    assert response.status_code == 302
    assert list(Session.objects.get().clients.all()) == [pupil]


def test_the_list_filter_finds_clients_without_script(client, staff, org, student):
    many_clients(org, 3)
    login(client, staff)
    html = client.get(reverse("home"), {"client_q": "pupil"}).content.decode()
    assert html.count('type="radio" name="client"') == 4  # "Any client" and the three matches
    assert 'name="client" value="" checked' in html


def test_the_edit_form_keeps_the_sessions_clients_chosen(client, staff, algebra, student, org):
    many_clients(org, 5)
    login(client, staff)
    html = client.get(reverse("session_edit", args=[algebra.pk])).content.decode()
    assert f'type="checkbox" name="clients" value="{student.pk}" checked' in html
    assert "Pupil" not in html


def test_the_edit_form_refuses_another_organisations_client(client, staff, algebra, student, outsider):
    stranger = Client.objects.create(org=outsider.org, name="Other", email="o@example.test")
    login(client, staff)
    data = {
        "title": "Algebra",
        "session_type": algebra.session_type_id,
        "consultant": algebra.consultant_id,
        "clients": [stranger.pk],
        "where": "online",
        "provider": algebra.provider,
        "custom_meeting_url": algebra.custom_meeting_url,
    }
    response = client.post(reverse("session_edit", args=[algebra.pk]), data)
    assert response.status_code == 400
    assert "That client is not one of this organisation&#x27;s clients." in response.content.decode()
    assert list(algebra.clients.all()) == [student]
    assert not AuditEntry.objects.filter(action="session.updated").exists()


@pytest.fixture
def form_data(lesson, consultant, student) -> dict:
    return {
        "title": "Algebra",
        "session_type": lesson.pk,
        "consultant": consultant.pk,
        "date": (ny(10, 16) + dt.timedelta(days=0)).date().isoformat(),
        "start_time": "16:00",
        "clients": [student.pk],
        "where": "online",
        "provider": "none",
        "every_weeks": "1",
        "repeat_ends": "count",
        "count": "10",
    }


@pytest.mark.parametrize("viewer", ["staff", "consultant"])
def test_it_makes_as_many_queries_with_many_clients_and_sessions_as_with_few(
    client, request, org, lesson, consultant, viewer
):
    asker = request.getfixturevalue(viewer)
    few = many_clients(org, 3)
    book(consultant, lesson, ny(2, 9), clients=few, actor=asker)
    login(client, asker)
    with CaptureQueriesContext(connection) as small:
        assert len(names(client.get(reverse("pick_clients"), {"q": "pupil"}))) == 3
    more = many_clients(org, 60, prefix="Pupil X")
    for day in range(3, 20):
        book(consultant, lesson, ny(day, 9), clients=more[day : day + 3], actor=asker)
    with CaptureQueriesContext(connection) as large:
        assert len(names(client.get(reverse("pick_clients"), {"q": "pupil"}))) == 20
    assert len(large.captured_queries) == len(small.captured_queries)
