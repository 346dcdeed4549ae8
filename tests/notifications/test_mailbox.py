"""The development mailbox: the backend that keeps emails, and the pages that show them."""

import pytest
from django.urls import reverse

from sessiondesk.notifications.models import MailboxMessage
from tests.conftest import login
from tests.notifications.helpers import drain

MAILBOX = {"default": {"BACKEND": "sessiondesk.notifications.mailbox.MailboxBackend"}}


@pytest.fixture
def delivered(settings, session) -> list[MailboxMessage]:
    settings.MAILERS = MAILBOX
    settings.DEV_MAILBOX = True
    assert drain() == 2
    return list(MailboxMessage.objects.order_by("id"))


def test_the_backend_keeps_each_message_with_its_raw_mime(delivered):
    assert [(m.to, m.subject) for m in delivered] == [
        ("stu@example.test", "Confirmed: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)"),
        ("carla@acme.test", "Confirmed: Lesson with Stu Student on Tue 3 Dec, 4:00 PM (EST)"),
    ]
    assert delivered[0].from_email == "SessionDesk <no-reply@sessiondesk.localhost>"
    assert 'Content-Type: text/calendar; method="REQUEST"' in delivered[0].raw


def test_it_requires_login(client, delivered):
    response = client.get(reverse("mailbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["mailbox_message", "mailbox_html"])
def test_its_message_pages_require_login(client, delivered, name):
    response = client.get(reverse(name, args=[delivered[0].pk]))
    assert response.status_code == 302


def test_it_is_hidden_when_the_dev_mailbox_is_off(client, settings, consultant, delivered):
    settings.DEV_MAILBOX = False
    login(client, consultant)
    assert client.get(reverse("mailbox")).status_code == 404
    assert client.get(reverse("mailbox_message", args=[delivered[0].pk])).status_code == 404
    assert client.get(reverse("mailbox_attachment", args=[delivered[0].pk, 0])).status_code == 404
    assert client.post(reverse("mailbox_clear")).status_code == 404
    assert MailboxMessage.objects.count() == 2


def test_it_lists_the_newest_first(client, consultant, delivered):
    login(client, consultant)
    response = client.get(reverse("mailbox"))
    assert response.status_code == 200
    assert [m.pk for m in response.context["page"]] == [delivered[1].pk, delivered[0].pk]
    html = response.content.decode()
    assert html.index("carla@acme.test") < html.index("stu@example.test")
    assert html.count('<span class="badge badge-ok">Invite</span>') == 2
    assert html.count("just now") == 2


def test_it_searches_by_recipient(client, consultant, delivered):
    login(client, consultant)
    response = client.get(reverse("mailbox"), {"q": "stu@"})
    assert [m.pk for m in response.context["page"]] == [delivered[0].pk]


def test_it_explains_an_empty_mailbox(client, settings, consultant):
    settings.DEV_MAILBOX = True
    login(client, consultant)
    response = client.get(reverse("mailbox"))
    assert "No emails yet" in response.content.decode()


def test_it_shows_one_message_with_its_headers_text_and_invite(client, consultant, delivered):
    login(client, consultant)
    response = client.get(reverse("mailbox_message", args=[delivered[0].pk]), {"show": "text"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirmed: Lesson with Carla Consultant on Wed 4 Dec, 6:00 AM (JST)" in html
    assert "stu@example.test" in html
    assert "Your Lesson with Carla Consultant is confirmed." in html
    assert 'href="https://meet.example.test/j/123456"' in html  # links in the text are clickable
    assert reverse("mailbox_attachment", args=[delivered[0].pk, 0]) in html
    assert "METHOD:REQUEST" in html


def test_the_html_body_is_served_in_a_sandbox(client, consultant, delivered):
    login(client, consultant)
    page = client.get(reverse("mailbox_message", args=[delivered[0].pk])).content.decode()
    assert f'src="{reverse("mailbox_html", args=[delivered[0].pk])}"' in page
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    response = client.get(reverse("mailbox_html", args=[delivered[0].pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox ")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "Join the session" in response.content.decode()


def test_the_invite_can_be_downloaded(client, consultant, delivered):
    login(client, consultant)
    response = client.get(reverse("mailbox_attachment", args=[delivered[0].pk, 0]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert response["Content-Disposition"] == 'attachment; filename="invite.ics"'
    assert b"METHOD:REQUEST" in response.content


def test_an_unknown_message_or_attachment_is_404(client, consultant, delivered):
    login(client, consultant)
    assert client.get(reverse("mailbox_message", args=[9999])).status_code == 404
    assert client.get(reverse("mailbox_attachment", args=[delivered[0].pk, 5])).status_code == 404


def test_clearing_needs_a_post(client, consultant, delivered):
    login(client, consultant)
    assert client.get(reverse("mailbox_clear")).status_code == 405
    assert MailboxMessage.objects.count() == 2
    response = client.post(reverse("mailbox_clear"), follow=True)
    assert MailboxMessage.objects.count() == 0
    assert "Deleted 2 emails from the mailbox." in response.content.decode()


def test_the_backend_files_each_message_under_its_organisation(org, delivered):
    assert [m.org_id for m in delivered] == [org.pk, org.pk]


def test_another_organisation_sees_none_of_its_emails(client, outsider, delivered):
    login(client, outsider)
    listing = client.get(reverse("mailbox"))
    assert listing.status_code == 200
    assert b"stu@example.test" not in listing.content
    for name in ("mailbox_message", "mailbox_html"):
        assert client.get(reverse(name, args=[delivered[0].pk])).status_code == 404
    assert client.post(reverse("mailbox_clear")).status_code == 302
    assert MailboxMessage.objects.count() == 2
