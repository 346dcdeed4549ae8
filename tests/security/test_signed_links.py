"""Clients' signed links cannot be guessed, altered or used to find out who or what exists: every
link that does not open something gets the very same 404, and the link a booking visitor gets
opens only that booking."""

import base64
import json
import re
import time
import zlib
from unittest import mock

import pytest
from django.core import signing
from django.test import Client as HttpClient
from django.urls import reverse

from sessiondesk.scheduling import actions, links
from sessiondesk.scheduling.models import Client, Session, SessionStatus
from tests.scheduling.public_support import at, booking_data, day_in, details_url, make_calendar

MANAGE_ROUTES = [
    "manage_booking",
    "booking_confirmed",
    "booking_invite",
    "manage_reschedule",
    "manage_cancel",
]


@pytest.fixture
def calendar(org, lesson, consultant):
    return make_calendar(org, lesson, [consultant])


@pytest.fixture
def booking(calendar, student) -> Session:
    return actions.book_public(
        calendar, start=at(day_in(3), 10), name=student.name, email=student.email, timezone_name="Asia/Tokyo"
    )


def forge(payload: dict, salt: str, template: str) -> str:
    """``payload`` under the signature of ``template`` (a genuine token): what a tamperer can build."""
    raw = base64.urlsafe_b64encode(zlib.compress(json.dumps(payload, separators=(",", ":")).encode()))
    _, timestamp, sig = template.rsplit(":", 2)
    return "." + raw.decode().rstrip("=") + ":" + timestamp + ":" + sig


def answer(url: str) -> tuple[int, bytes]:
    """Status and body; the per-request CSRF token (masked anew each time) aside."""
    response = HttpClient().get(url)
    return response.status_code, re.sub(rb'"X-CSRFToken": "[^"]+"', b"", response.content)


def test_a_token_carries_a_full_hmac_sha256_signature(booking, student):
    for token in (links.booking_token(booking, student), links.portal_token(student)):
        signature = token.rsplit(":", 1)[1]
        assert len(base64.urlsafe_b64decode(signature + "=")) == 32  # 256 bits: nothing to guess


def test_every_kind_of_bad_booking_link_gets_the_same_404(booking, student, calendar):
    genuine = links.booking_token(booking, student)
    stranger = Client.objects.create(org=booking.org, name="Ann", email="ann@example.test")
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * 365 * 24 * 3600):
        expired = links.booking_token(booking, student)
    bad = {
        "garbage": "not-a-token",
        "random": "eJyrVkrOz0nPTFGyMjLUUSpKLS7NKclMBQBOMgbE:1vQnW9:" + "A" * 43,
        "altered signature": genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        "other object, old signature": forge(
            {"s": booking.pk + 1, "c": student.pk}, links.BOOKING_SALT, genuine
        ),
        "expired": expired,
        "portal token": links.portal_token(student),
        "object that does not exist": links.booking_token(Session(pk=booking.pk + 999), student),
        "client who does not attend": links.booking_token(booking, stranger),
        "signed but not our shape": signing.dumps([booking.pk], salt=links.BOOKING_SALT),
        "signed with text ids": signing.dumps({"s": "1", "c": {"a": 1}}, salt=links.BOOKING_SALT),
    }
    for name in MANAGE_ROUTES:
        answers = {kind: answer(reverse(name, args=[token])) for kind, token in bad.items()}
        reference = answers["garbage"]
        assert reference[0] == 404
        assert b"This link does not work" in reference[1]
        for kind, got in answers.items():
            assert got == reference, (name, kind)
    assert Session.objects.get(pk=booking.pk).status == SessionStatus.SCHEDULED


def test_every_kind_of_bad_portal_link_gets_the_same_404(student, org):
    genuine = links.portal_token(student)
    gone = Client(pk=student.pk + 999, org=org)
    bad = [
        "x",
        genuine[:-3] + "abc",
        forge({"c": student.pk + 1, "o": org.pk}, links.PORTAL_SALT, genuine),
        links.portal_token(gone),
        signing.dumps({"c": student.pk, "o": org.pk + 1}, salt=links.PORTAL_SALT),
        signing.dumps("text", salt=links.PORTAL_SALT),
    ]
    answers = [answer(reverse("client_portal", args=[token])) for token in bad]
    assert answers[0][0] == 404
    assert all(got == answers[0] for got in answers)
    assert b"Stu Student" not in answers[0][1]


def test_a_genuine_link_still_opens(booking, student):
    assert answer(reverse("manage_booking", args=[links.booking_token(booking, student)]))[0] == 200
    assert answer(reverse("client_portal", args=[links.portal_token(student)]))[0] == 200


# Booking with someone else's email -----------------------------------------------------------------------


def test_booking_with_a_known_clients_email_reveals_nothing_about_them(calendar, student, booking):
    student.phone = "+81 3 1234 5678"
    student.save()
    visitor = HttpClient()
    start = at(day_in(4), 11)
    posted = visitor.post(
        details_url(calendar), booking_data(start, name="Mallory", email="stu@example.test", tz="UTC")
    )
    confirmed = visitor.get(posted["Location"])
    body = confirmed.content.decode()
    token = posted["Location"].split("/")[2]
    manage = visitor.get(reverse("manage_booking", args=[token])).content.decode()
    invite = visitor.get(reverse("booking_invite", args=[token])).content.decode()

    assert (posted.status_code, confirmed.status_code) == (303, 200)
    for page in (body, manage, invite):
        assert "Stu Student" not in page
        assert "1234 5678" not in page
        assert "/portal/" not in page
        assert links.booking_token(booking, student) not in page
    # Times are in the zone the visitor chose, not the one stored for the client (Asia/Tokyo).
    assert "(UTC)" in manage
    assert ("(JST" in manage, "Asia/Tokyo)" in manage) == (False, False)
    # The real client's inbox still gets the full links.
    assert list(Session.objects.get(start=start).clients.all()) == [student]


def test_a_visitor_link_never_opens_the_portal(calendar):
    visitor = HttpClient()
    posted = visitor.post(details_url(calendar), booking_data(at(day_in(4), 11)))
    token = posted["Location"].split("/")[2]
    assert visitor.get(reverse("client_portal", args=[token])).status_code == 404


def test_a_visitor_link_shows_the_same_page_for_a_new_and_a_known_email(calendar, student):
    pages = []
    for n, email in enumerate(("stu@example.test", "someone-new@example.test")):
        visitor = HttpClient()
        posted = visitor.post(
            details_url(calendar), booking_data(at(day_in(4 + n), 11), name="Mallory", email=email, tz="UTC")
        )
        body = re.sub(r'"X-CSRFToken": "[^"]+"', "", visitor.get(posted["Location"]).content.decode())
        pages.append(body.replace(email, "EMAIL").replace(posted["Location"].split("/")[2], "TOKEN"))
    first, second = (p.split('<dl class="facts">')[0] for p in pages)
    assert first == second


def test_a_link_that_fails_verification_touches_no_data(booking, student, django_assert_num_queries):
    """No database lookup happens before the signature checks out, so timing tells nothing either."""
    genuine = links.booking_token(booking, student)
    forged = forge({"s": booking.pk, "c": student.pk + 1}, links.BOOKING_SALT, genuine)
    browser = HttpClient()
    for url in (
        reverse("manage_booking", args=[forged]),
        reverse("manage_cancel", args=["garbage"]),
        reverse("client_portal", args=[genuine]),  # a booking token is no portal token
    ):
        with django_assert_num_queries(0):
            assert browser.get(url).status_code == 404
