"""The development mailbox: the backend that keeps emails, and the pages that show them."""

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from email import message_from_string, policy

import httpx
import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessiondesk.accounts.invitations import invite
from sessiondesk.notifications.models import MailboxMessage
from tests.conftest import login
from tests.notifications.helpers import START, book, free_port, text_of
from tests.support.worker import run_worker_until_idle

MAILBOX = {"default": {"BACKEND": "sessiondesk.notifications.mailbox.MailboxBackend"}}


@pytest.fixture
def mailbox(settings) -> None:
    settings.MAILERS = MAILBOX
    settings.DEV_MAILBOX = True


@pytest.fixture
def delivered(mailbox, session) -> list[MailboxMessage]:
    """Carla's session with Stu: Stu's confirmation, then Carla's."""
    assert run_worker_until_idle("emails") == 2
    return list(MailboxMessage.objects.order_by("id"))


def manage_link_in(row: MailboxMessage) -> str:
    text = text_of(message_from_string(row.raw, policy=policy.default))  # type: ignore[arg-type]
    found = re.search(r"/manage/[^/\s]+/", text)
    assert found is not None
    return found.group(0)


def listed(client) -> list[int]:  # type: ignore[no-untyped-def]
    return [row.pk for row in client.get(reverse("mailbox")).context["page"]]


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


def test_the_backend_files_each_message_under_its_organisation_and_session(org, session, delivered):
    assert [(m.org_id, m.session_id) for m in delivered] == [(org.pk, session.pk), (org.pk, session.pk)]


def test_a_consultant_does_not_see_a_colleagues_client_confirmation(client, consultant2, session, delivered):
    login(client, consultant2)
    assert client.get(reverse("session_detail", args=[session.pk])).status_code == 403
    listing = client.get(reverse("mailbox"))
    assert listing.status_code == 200
    assert list(listing.context["page"]) == []
    assert manage_link_in(delivered[0]) not in listing.content.decode()
    assert b"stu@example.test" not in listing.content
    for row in delivered:
        for name in ("mailbox_message", "mailbox_html"):
            assert client.get(reverse(name, args=[row.pk])).status_code == 404
        assert client.get(reverse("mailbox_attachment", args=[row.pk, 0])).status_code == 404
    assert client.post(reverse("mailbox_clear")).status_code == 302
    assert MailboxMessage.objects.count() == 2


def test_a_consultant_sees_and_clears_only_the_emails_of_their_own_sessions(
    client, consultant2, student, lesson, delivered
):
    book(consultant2, [student], lesson, start=START + dt.timedelta(days=1))
    assert run_worker_until_idle("emails") == 2
    theirs = list(MailboxMessage.objects.exclude(pk__in=[m.pk for m in delivered]).order_by("-id"))
    login(client, consultant2)
    assert listed(client) == [m.pk for m in theirs]
    assert client.get(reverse("mailbox_message", args=[theirs[0].pk])).status_code == 200
    response = client.post(reverse("mailbox_clear"), follow=True)
    assert "Deleted 2 emails from the mailbox." in response.content.decode()
    assert list(MailboxMessage.objects.order_by("id")) == delivered


def test_a_co_host_sees_the_emails_of_the_session(client, mailbox, consultant, consultant2, student, lesson):
    book(consultant, [student], lesson, co_hosts=[consultant2])
    assert run_worker_until_idle("emails") == 3
    login(client, consultant2)
    assert listed(client) == list(MailboxMessage.objects.order_by("-id").values_list("pk", flat=True))


def test_staff_see_every_sessions_emails_and_their_own_but_not_an_invitation(
    client, owner, staff, consultant2, delivered
):
    invite(owner, email="new@acme.test", name="New Person", role="admin")
    HttpClient().post(reverse("password_reset"), {"email": staff.email})
    HttpClient().post(reverse("password_reset"), {"email": consultant2.email})
    assert run_worker_until_idle("emails") == 3
    invitation = MailboxMessage.objects.get(to="new@acme.test")
    own_reset = MailboxMessage.objects.get(to=staff.email)
    login(client, staff)
    assert listed(client) == [own_reset.pk, delivered[1].pk, delivered[0].pk]
    assert client.get(reverse("mailbox_message", args=[invitation.pk])).status_code == 404
    assert client.get(reverse("mailbox_message", args=[delivered[0].pk])).status_code == 200


def test_an_admin_sees_every_email_of_the_organisation(client, owner, admin, outsider, delivered):
    invitation = invite(owner, email="new@acme.test", name="New Person", role="consultant")
    invite(outsider, email="new@rival.test", name="New Rival", role="consultant")
    HttpClient().post(reverse("password_reset"), {"email": owner.email})
    assert run_worker_until_idle("emails") == 3
    login(client, admin)
    invitation_row = MailboxMessage.objects.get(to=invitation.email)
    assert listed(client) == [invitation_row.pk, delivered[1].pk, delivered[0].pk]
    assert client.get(reverse("mailbox_message", args=[invitation_row.pk])).status_code == 200


def test_another_organisation_sees_none_of_its_emails(client, outsider, delivered):
    login(client, outsider)
    listing = client.get(reverse("mailbox"))
    assert listing.status_code == 200
    assert b"stu@example.test" not in listing.content
    for name in ("mailbox_message", "mailbox_html"):
        assert client.get(reverse(name, args=[delivered[0].pk])).status_code == 404
    assert client.post(reverse("mailbox_clear")).status_code == 302
    assert MailboxMessage.objects.count() == 2


# When the mailbox is on ----------------------------------------------------------------------------------


def settings_under(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """The email settings a fresh process loads with ``env`` (and no other email variable)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEV_MAILBOX"))}
    code = "import json, sessiondesk.settings as s; print(json.dumps([s.DEV_MAILBOX, s.MAILERS]))"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "SESSIONDESK_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def smtp_settings(host: str) -> dict:
    options = {"host": host, "port": 25, "username": None, "password": None, "use_tls": False, "timeout": 15}
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


def test_it_is_off_by_default_and_emails_go_to_smtp_on_localhost(tmp_path):
    done = settings_under(tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, smtp_settings("localhost")]
    done = settings_under(tmp_path, EMAIL_HOST="smtp.example.test")
    assert json.loads(done.stdout) == [False, smtp_settings("smtp.example.test")]


def test_it_is_on_when_the_setting_says_so(tmp_path):
    done = settings_under(tmp_path, DEV_MAILBOX="true")
    assert json.loads(done.stdout) == [True, MAILBOX]


def test_it_refuses_to_be_on_with_an_smtp_server_or_a_loose_boolean(tmp_path):
    done = settings_under(tmp_path, DEV_MAILBOX="true", EMAIL_HOST="smtp.example.test")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines()[-1] == (
        "sessiondesk.lib.env.ConfigError: DEV_MAILBOX=true keeps every email in the database, but EMAIL_HOST "
        "is set to send them: unset one of the two (docs/configuration.md)"
    )
    done = settings_under(tmp_path, DEV_MAILBOX="1")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        'sessiondesk.lib.env.ConfigError: DEV_MAILBOX must be "true" or "false", not \'1\''
    )


def up_until_ready(tmp_path, port: int, *, demo: bool = False, **env: str) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """Start ``sessiondesk up`` (``demo``: seeding the demo); its output up to "Press Ctrl-C", and how
    /dev/mailbox/ answers then."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEV_MAILBOX", "DATABASE_URL"))
    }
    command = [sys.executable, "-m", "sessiondesk", "--home", str(tmp_path), "up", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--emulator-port", "0", *([] if demo else ["--no-demo"])],
        env={**base, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                break
        status = httpx.get(f"http://127.0.0.1:{port}/dev/mailbox/", timeout=10).status_code
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    return lines, status


def test_sessiondesk_up_turns_it_on_unless_an_smtp_server_is_set(tmp_path):
    port = free_port()
    lines, status = up_until_ready(tmp_path, port)
    assert lines[-2:] == [
        f"Emails are kept in the development mailbox: http://localhost:{port}/dev/mailbox/",
        "Press Ctrl-C to stop.",
    ]
    assert status == 302  # to the login page: the mailbox is there
    lines, status = up_until_ready(tmp_path, port, EMAIL_HOST="smtp.example.test")
    assert lines[-2:] == [
        "Emails go out through the SMTP server at smtp.example.test:25.",
        "Press Ctrl-C to stop.",
    ]
    assert status == 404


def test_sessiondesk_up_says_why_the_demos_zoom_sessions_wait_on_its_first_run(tmp_path):
    port = free_port()
    notice = (
        "The demo's online sessions wait for Zoom (the worker logs each one as blocked): log in as "
        "Carla or Dev and press Connect Zoom on a session's meeting card, or as the owner connect "
        "the organisation's Zoom account."
    )
    lines, _ = up_until_ready(tmp_path, port, demo=True)
    assert lines[-4:-2] == [
        f"Public booking page: http://localhost:{port}/book/brightside/consultation/",
        notice,
    ]
    # The next run seeds nothing: its worker has nothing new to log.
    lines, _ = up_until_ready(tmp_path, port, demo=True)
    assert lines[-3] == f"Public booking page: http://localhost:{port}/book/brightside/consultation/"
    assert notice not in lines


def _letters(org, count: int, first: int = 0) -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    MailboxMessage.objects.bulk_create(
        MailboxMessage(
            org=org,
            to=f"p{n:03}@example.test",
            from_email="x@example.test",
            subject=f"Letter {n:03}",
            raw="",
            created_at=start + dt.timedelta(minutes=n),
        )
        for n in range(first, first + count)
    )


def _link(response, rel: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    assert found is not None, f"no {rel} link"
    return found.group(1).replace("&amp;", "&")


def test_it_pages_newest_first_and_keeps_the_search(client, mailbox, owner):
    _letters(owner.org, 55)
    login(client, owner)
    first = client.get(reverse("mailbox"), {"q": "letter"})
    assert [row.subject for row in first.context["page"]] == [f"Letter {n:03}" for n in range(54, 4, -1)]
    next_link = _link(first, "next")
    assert next_link.startswith("?q=letter&after=")
    second = client.get(reverse("mailbox") + next_link)
    assert [row.subject for row in second.context["page"]] == [f"Letter {n:03}" for n in range(4, -1, -1)]
    assert 'rel="next"' not in second.content.decode()
    newer = client.get(reverse("mailbox") + _link(second, "prev"))
    assert [row.subject for row in newer.context["page"]] == [f"Letter {n:03}" for n in range(54, 4, -1)]


def test_it_makes_as_many_queries_for_a_full_mailbox_as_for_a_small_one(client, mailbox, owner):
    _letters(owner.org, 3)
    login(client, owner)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("mailbox"))
    _letters(owner.org, 200, first=3)
    with CaptureQueriesContext(connection) as full:
        response = client.get(reverse("mailbox"))
    with CaptureQueriesContext(connection) as later:
        assert len(client.get(reverse("mailbox") + _link(response, "next")).context["page"]) == 50
    assert len(full.captured_queries) == len(small.captured_queries) == len(later.captured_queries)
