from sessiondesk.accounts.tokens import create_token, revoke_token
from sessiondesk.scheduling.models import Session
from tests.api.conftest import Api, future, iso
from tests.conftest import login

MISSING = "Authentication required: send the header 'Authorization: Bearer <your API token>'."


def test_it_requires_a_token(db):
    response = Api(None).get("/sessions/")
    assert response.status_code == 401
    assert response.json() == {"detail": MISSING, "field": None}
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_refuses_an_unknown_token(db):
    response = Api("sd_not-a-real-token").get("/sessions/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked API token.", "field": None}


def test_it_refuses_a_revoked_token(consultant):
    token, raw = create_token(consultant, "laptop")
    assert Api(raw).get("/me").status_code == 200
    revoke_token(consultant, token.pk)
    response = Api(raw).get("/me")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked API token."


def test_it_refuses_the_token_of_a_deactivated_member(consultant):
    _, raw = create_token(consultant, "laptop")
    consultant.is_active = False
    consultant.save()
    assert Api(raw).get("/me").status_code == 401


def test_it_refuses_a_bad_token_on_a_write_without_saving(consultant, lesson):
    start = future(3, 10)
    body = {
        "title": "Algebra",
        "session_type": lesson.pk,
        "consultant": consultant.pk,
        "start": iso(start),
        "end": iso(start.replace(hour=11)),
    }
    response = Api("sd_wrong").post("/sessions/", body)
    assert response.status_code == 401
    assert Session.objects.count() == 0


def test_it_names_the_member_a_token_belongs_to(call_as, consultant):
    response = call_as(consultant).get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "member": {
            "id": consultant.pk,
            "name": "Carla Consultant",
            "email": "carla@acme.test",
            "role": "consultant",
            "timezone": consultant.timezone,
        },
        "organization": {"id": consultant.org_id, "name": "Acme Tutoring"},
    }


def test_it_accepts_a_signed_in_browser(client, consultant):
    login(client, consultant)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["member"]["id"] == consultant.pk


def test_it_requires_the_csrf_token_for_browser_writes(consultant, lesson):
    from django.test import Client as HttpClient

    browser = login(HttpClient(enforce_csrf_checks=True), consultant)
    start = future(3, 10)
    body = {
        "title": "Algebra",
        "session_type": lesson.pk,
        "consultant": consultant.pk,
        "start": iso(start),
        "end": iso(start.replace(hour=11)),
    }
    response = browser.post("/api/v1/sessions/", body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF check failed")
    assert Session.objects.count() == 0
