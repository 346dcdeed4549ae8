from sessiondesk.accounts.models import AuditEntry
from sessiondesk.scheduling.models import Client
from tests.api.conftest import future, schedule


def test_it_creates_a_client(call_as, staff):
    response = call_as(staff).post(
        "/clients/",
        {
            "name": "Ann Applicant",
            "email": "Ann@Example.test",
            "phone": "+44 20 7946 0000",
            "timezone": "Europe/London",
            "notes": "Prefers mornings",
        },
    )
    assert response.status_code == 201
    client = Client.objects.get(email="ann@example.test")
    assert response.json() == {
        "id": client.pk,
        "name": "Ann Applicant",
        "email": "ann@example.test",
        "phone": "+44 20 7946 0000",
        "timezone": "Europe/London",
        "notes": "Prefers mornings",
    }
    assert client.created_by == staff
    assert AuditEntry.objects.filter(action="client.created", actor=staff).count() == 1


def test_a_new_client_takes_the_organisation_time_zone_by_default(call_as, staff):
    response = call_as(staff).post("/clients/", {"name": "Ann", "email": "ann@example.test"})
    assert response.json()["timezone"] == "America/New_York"


def test_it_gets_a_client(call_as, staff, student):
    response = call_as(staff).get(f"/clients/{student.pk}")
    assert (response.status_code, response.json()["name"]) == (200, "Stu Student")


def test_it_searches_clients(call_as, staff, student):
    Client.objects.create(org=student.org, name="Ann Applicant", email="ann@example.test")
    api = call_as(staff)
    assert [c["name"] for c in api.get("/clients/").json()["items"]] == ["Ann Applicant", "Stu Student"]
    found = api.get("/clients/", {"q": "0100", "count": "true"}).json()
    assert (found["count"], [c["id"] for c in found["items"]]) == (1, [student.pk])
    assert api.get("/clients/", {"q": "nobody"}).json() == {
        "items": [],
        "limit": 50,
        "offset": 0,
        "next_cursor": None,
        "count": None,
    }


def test_it_updates_a_client(call_as, staff, student):
    response = call_as(staff).patch(
        f"/clients/{student.pk}", {"phone": "+1 555 0199", "notes": "Exam in June"}
    )
    assert response.status_code == 200
    student.refresh_from_db()
    assert (student.phone, student.notes, student.name) == ("+1 555 0199", "Exam in June", "Stu Student")
    assert AuditEntry.objects.get(action="client.updated").detail["fields"] == ["notes", "phone"]


def test_it_refuses_a_second_client_with_the_same_email(call_as, staff, student):
    response = call_as(staff).post("/clients/", {"name": "Stu Again", "email": "STU@example.test"})
    assert response.status_code == 422
    assert (
        response.json()["detail"]
        == "email: Another client in your organisation already uses this email address."
    )
    assert Client.objects.count() == 1


def test_it_refuses_an_invalid_email(call_as, staff):
    response = call_as(staff).post("/clients/", {"name": "Ann", "email": "not-an-email"})
    assert (response.status_code, response.json()["detail"]) == (422, "email: Enter a valid email address.")
    assert Client.objects.count() == 0


def test_it_refuses_an_unknown_time_zone(call_as, staff, student):
    response = call_as(staff).patch(f"/clients/{student.pk}", {"timezone": "Moon/Crater"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown time zone 'Moon/Crater'.", "field": "timezone"}
    student.refresh_from_db()
    assert student.timezone == "Asia/Tokyo"


def test_a_consultant_sees_the_clients_of_their_sessions_and_the_ones_they_added(
    call_as, consultant, consultant2, student
):
    other = Client.objects.create(org=student.org, name="Olga Other", email="olga@example.test")
    schedule(consultant2, "Dev's lesson", future(3, 10), clients=[other])
    api = call_as(consultant)
    assert api.get("/clients/").json()["items"] == []
    schedule(consultant, "Carla's lesson", future(3, 12), clients=[student])
    added = api.post("/clients/", {"name": "Ann", "email": "ann@example.test"}).json()
    assert [c["name"] for c in api.get("/clients/").json()["items"]] == ["Ann", "Stu Student"]
    assert api.get(f"/clients/{other.pk}").status_code == 404
    assert api.patch(f"/clients/{added['id']}", {"name": "Ann B"}).status_code == 200


def test_a_consultant_cannot_change_a_client_someone_else_added(call_as, consultant, student):
    schedule(consultant, "Carla's lesson", future(3, 12), clients=[student])
    response = call_as(consultant).patch(f"/clients/{student.pk}", {"name": "Renamed"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Consultants can change only the clients they added."
    student.refresh_from_db()
    assert student.name == "Stu Student"
