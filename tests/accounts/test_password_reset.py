import re

from django.core import mail

from sessiondesk.notifications import sender
from sessiondesk.notifications.models import OutboundEmail
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-secret-42"


def _reset_link(email: OutboundEmail) -> str:
    match = re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/[^\s]+/)", email.body_text)
    assert match, email.body_text
    return match.group(1)


def test_it_resets_a_password_end_to_end(client, consultant):
    response = client.post("/password-reset/", {"email": "carla@acme.test"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"

    email = OutboundEmail.objects.get()
    assert (email.kind, email.to, email.subject) == (
        "password_reset",
        "carla@acme.test",
        "Reset your SessionDesk password",
    )
    link = _reset_link(email)
    assert sender.send_due() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["carla@acme.test"], "Reset your SessionDesk password")
    ]
    assert link in mail.outbox[0].body

    # Django swaps the token in the URL for one kept in the session, then shows the form.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/done/"

    assert client.login(username="carla@acme.test", password=NEW_PASSWORD)
    assert not client.login(username="carla@acme.test", password=PASSWORD)


def test_it_refuses_a_used_link(client, consultant):
    client.post("/password-reset/", {"email": "carla@acme.test"})
    link = _reset_link(OutboundEmail.objects.get())
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link)

    assert response.status_code == 200
    assert b"This link no longer works" in response.content


def test_it_rejects_mismatched_new_passwords_with_400(client, consultant):
    client.post("/password-reset/", {"email": "carla@acme.test"})
    form_url = client.get(_reset_link(OutboundEmail.objects.get()))["Location"]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "something-else-9"})

    assert response.status_code == 400
    assert "The two password fields didn" in response.content.decode()
    assert client.login(username="carla@acme.test", password=PASSWORD)


def test_it_says_the_same_for_an_unknown_email_and_sends_nothing(client, consultant):
    response = client.post("/password-reset/", {"email": "nobody@acme.test"})

    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert OutboundEmail.objects.count() == 0


def test_it_rejects_a_malformed_email_with_400(client, db):
    response = client.post("/password-reset/", {"email": "nope"})

    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert OutboundEmail.objects.count() == 0
