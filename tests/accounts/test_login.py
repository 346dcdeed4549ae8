from django.urls import reverse

from sessiondesk.accounts.models import Member
from tests.conftest import PASSWORD


def test_it_shows_the_login_page_with_a_forgotten_password_link(client, db):
    response = client.get("/login/")

    assert response.status_code == 200
    assert b"Log in to SessionDesk" in response.content
    assert b'href="/password-reset/"' in response.content


def test_it_logs_in_by_email_ignoring_case_and_goes_home(client, owner):
    response = client.post("/login/", {"username": "Olivia@ACME.test", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(owner.user.pk)


def test_it_follows_next_after_login(client, owner):
    response = client.post(
        "/login/?next=/settings/",
        {"username": "olivia@acme.test", "password": PASSWORD, "next": "/settings/"},
    )

    assert response["Location"] == "/settings/"


def test_it_refuses_a_wrong_password_with_400(client, owner):
    response = client.post("/login/", {"username": "olivia@acme.test", "password": "wrong-password"})

    assert response.status_code == 400
    assert b"That email and password do not match an account." in response.content
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_malformed_email_with_400(client, owner):
    response = client.post("/login/", {"username": "not-an-email", "password": PASSWORD})

    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content


def test_it_refuses_a_deactivated_member(client, consultant):
    Member.objects.filter(pk=consultant.pk).update(is_active=False)

    response = client.post("/login/", {"username": "carla@acme.test", "password": PASSWORD})

    assert response.status_code == 400
    assert b"not an active member of any organisation" in response.content
    assert "_auth_user_id" not in client.session


def test_it_logs_out_on_post_only(client, owner):
    client.force_login(owner.user)

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
