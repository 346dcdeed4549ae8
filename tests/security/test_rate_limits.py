"""Login, password reset and public booking are rate limited across processes (counted in the
database); a refused request gets a 429 with Retry-After and changes nothing."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessiondesk.lib.env import ConfigError, env_rate
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import Client, Session
from sessiondesk.security import ratelimit
from sessiondesk.security.models import RateCounter
from sessiondesk.worker.jobs import JOBS
from tests.conftest import PASSWORD
from tests.scheduling.public_support import booking_data, day_in, details_url, make_calendar, slots_on
from tests.support.worker import run_worker_pass


def from_address(address: str) -> HttpClient:
    return HttpClient(REMOTE_ADDR=address)


# Login --------------------------------------------------------------------------------------------------


def test_it_refuses_the_login_attempt_past_the_limit_of_one_address(consultant, settings):
    settings.RATE_LIMIT_LOGIN = (3, 300)
    browser = from_address("203.0.113.7")
    statuses = [
        browser.post("/login/", {"username": "carla@acme.test", "password": f"wrong-{n}"}).status_code
        for n in range(3)
    ]
    refused = browser.post("/login/", {"username": "carla@acme.test", "password": PASSWORD})

    assert statuses == [400, 400, 400]
    assert refused.status_code == 429
    assert 299 <= int(refused["Retry-After"]) <= 300
    assert (
        "Too many login attempts from here. Please wait 5 minutes and try again." in refused.content.decode()
    )
    assert "_auth_user_id" not in browser.session  # even the right password did not log in


def test_another_address_can_still_log_in(consultant, settings):
    settings.RATE_LIMIT_LOGIN = (1, 300)
    from_address("203.0.113.7").post("/login/", {"username": "carla@acme.test", "password": "wrong"})
    other = from_address("198.51.100.2")

    response = other.post("/login/", {"username": "carla@acme.test", "password": PASSWORD})

    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(consultant.user.pk)


def test_it_locks_an_account_after_failed_logins_from_many_addresses(consultant, admin, settings):
    settings.RATE_LIMIT_LOGIN_ACCOUNT = (3, 900)
    failures = [
        from_address(f"203.0.113.{n}").post("/login/", {"username": "CARLA@acme.test", "password": "nope"})
        for n in range(3)
    ]
    fresh = from_address("198.51.100.9")

    refused = fresh.post("/login/", {"username": "carla@acme.test", "password": PASSWORD})
    other_account = from_address("198.51.100.9").post(
        "/login/", {"username": "adam@acme.test", "password": PASSWORD}
    )

    assert [r.status_code for r in failures] == [400, 400, 400]
    assert refused.status_code == 429
    assert "Too many failed logins for this account" in refused.content.decode()
    assert "_auth_user_id" not in fresh.session
    assert other_account.status_code == 302


def test_the_account_limit_answers_the_same_for_an_unknown_email(db, settings):
    settings.RATE_LIMIT_LOGIN_ACCOUNT = (1, 900)
    from_address("203.0.113.1").post("/login/", {"username": "nobody@acme.test", "password": "nope"})

    refused = from_address("203.0.113.2").post("/login/", {"username": "nobody@acme.test", "password": "x"})

    assert refused.status_code == 429
    assert "Too many failed logins for this account" in refused.content.decode()


def test_a_successful_login_does_not_count_against_the_account(consultant, settings):
    settings.RATE_LIMIT_LOGIN_ACCOUNT = (1, 900)
    for n in range(3):
        browser = from_address(f"203.0.113.{n}")
        assert (
            browser.post("/login/", {"username": "carla@acme.test", "password": PASSWORD}).status_code == 302
        )


# Password reset -------------------------------------------------------------------------------------------


def test_it_queues_no_reset_email_past_the_limit(consultant, settings):
    settings.RATE_LIMIT_PASSWORD_RESET = (2, 3600)
    browser = from_address("203.0.113.7")
    answers = [browser.post("/password-reset/", {"email": "carla@acme.test"}) for _ in range(4)]

    assert [a.status_code for a in answers] == [302, 302, 429, 429]
    assert 3599 <= int(answers[2]["Retry-After"]) <= 3600
    assert "Too many password reset requests from here" in answers[2].content.decode()
    assert OutboundEmail.objects.filter(kind="password_reset").count() == 2


def test_it_limits_reset_emails_to_one_address_from_many_addresses(consultant, settings):
    settings.RATE_LIMIT_PASSWORD_RESET = (2, 3600)
    answers = [
        from_address(f"203.0.113.{n}").post("/password-reset/", {"email": "carla@acme.test"})
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert OutboundEmail.objects.filter(kind="password_reset", to="carla@acme.test").count() == 2


# Public booking -------------------------------------------------------------------------------------------


@pytest.fixture
def calendar(org, lesson, consultant):
    return make_calendar(org, lesson, [consultant])


def test_it_books_nothing_past_the_limit(calendar, settings):
    settings.RATE_LIMIT_BOOKING = (2, 3600)
    slots = [slots_on(calendar, day_in(3 + n))[0] for n in range(3)]
    browser = from_address("203.0.113.7")
    answers = [
        browser.post(details_url(calendar), booking_data(slots[n], email=f"visitor{n}@example.test"))
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [303, 303, 429]
    assert "Many bookings for Book Carla have come from your connection" in answers[2].content.decode()
    assert Session.objects.count() == 2
    assert sorted(Client.objects.values_list("email", flat=True)) == [
        "visitor0@example.test",
        "visitor1@example.test",
    ]
    assert OutboundEmail.objects.filter(to="visitor2@example.test").count() == 0


def test_a_time_just_taken_is_not_counted_against_the_visitor(calendar, settings):
    settings.RATE_LIMIT_BOOKING = (1, 3600)
    taken, free = slots_on(calendar, day_in(3))[0], slots_on(calendar, day_in(4))[0]
    actions.book_public(
        calendar, start=taken, name="Early Bird", email="early@example.test", timezone_name="UTC"
    )
    browser = from_address("203.0.113.7")

    answers = [
        browser.post(details_url(calendar), booking_data(taken)),
        browser.post(details_url(calendar), booking_data(free)),
        browser.post(details_url(calendar), booking_data(free, email="again@example.test")),
    ]

    assert [a.status_code for a in answers] == [409, 303, 429]
    assert RateCounter.objects.get().count == 1  # the booking made; the third was turned away uncounted
    assert sorted(Session.objects.values_list("clients__email", flat=True)) == [
        "early@example.test",
        "nora@example.test",
    ]


def test_the_limit_is_per_calendar(org, lesson, consultant, calendar, settings):
    settings.RATE_LIMIT_BOOKING = (1, 3600)
    other = make_calendar(org, lesson, [consultant], slug="other")
    browser = from_address("203.0.113.7")

    answers = [
        browser.post(details_url(calendar), booking_data(slots_on(calendar, day_in(3))[0])),
        browser.post(details_url(other), booking_data(slots_on(other, day_in(4))[0])),
        browser.post(details_url(calendar), booking_data(slots_on(calendar, day_in(5))[0])),
    ]

    assert [a.status_code for a in answers] == [303, 303, 429]
    assert Session.objects.count() == 2


def test_looking_at_times_is_not_limited(calendar, settings):
    settings.RATE_LIMIT_BOOKING = (1, 3600)
    browser = from_address("203.0.113.7")
    start = slots_on(calendar, day_in(3))[0]
    answers = [browser.get(details_url(calendar), {"start": start.isoformat()}).status_code for _ in range(3)]
    assert answers == [200, 200, 200]


def test_a_script_gets_the_refusal_as_json(calendar, settings):
    settings.RATE_LIMIT_BOOKING = (1, 3600)
    browser = from_address("203.0.113.7")
    slots = [slots_on(calendar, day_in(3 + n))[0] for n in range(2)]
    browser.post(details_url(calendar), booking_data(slots[0]))

    refused = browser.post(
        details_url(calendar), booking_data(slots[1], email="b@example.test"), HTTP_ACCEPT="application/json"
    )

    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many bookings from here. Please wait 60 minutes and try again.",
        "retry_after": int(refused["Retry-After"]),
    }
    assert Session.objects.count() == 1


# The counter ----------------------------------------------------------------------------------------------


def test_a_window_ends_and_counting_starts_again(db):
    rate = ratelimit.Rate(2, 60)
    start = timezone.now()
    answers = [ratelimit.hit("t", "x", rate, start + dt.timedelta(seconds=s)) for s in (0, 10, 20, 59, 60)]
    assert answers == [None, None, 40, 1, None]
    assert RateCounter.objects.get().count == 1


def counters_started(*hours_ago: float) -> None:
    now = timezone.now()
    for n, hours in enumerate(hours_ago):
        RateCounter.objects.create(key=f"k{n}", window_start=now - dt.timedelta(hours=hours), count=3)


def test_the_worker_forgets_counters_whose_window_started_over_a_day_ago(db, monkeypatch):
    counters_started(49, 30, 25, 24.5, 23.5, 1, 0)
    monkeypatch.setattr(ratelimit, "BATCH", 2)
    assert run_worker_pass("rate-limit-retention") == 4  # its job: hourly, in batches
    assert sorted(RateCounter.objects.values_list("key", flat=True)) == ["k4", "k5", "k6"]
    assert run_worker_pass("rate-limit-retention") == 0
    assert JOBS["rate-limit-retention"].every == 3600


def test_a_counter_is_kept_while_a_window_longer_than_a_day_may_still_run(db, settings):
    settings.RATE_LIMIT_BOOKING = (30, 3 * 86400)  # thirty bookings in three days
    counters_started(4 * 24, 2 * 24, 1)
    assert ratelimit.forget_stale(limit=4) == 1
    assert sorted(RateCounter.objects.values_list("key", flat=True)) == ["k1", "k2"]


def test_it_deletes_at_most_its_limit_of_batches(db, monkeypatch):
    counters_started(30, 29, 28, 27, 26)
    monkeypatch.setattr(ratelimit, "BATCH", 2)
    assert ratelimit.forget_stale(limit=2) == 4
    assert ratelimit.forget_stale(limit=2) == 1
    assert RateCounter.objects.count() == 0


def test_opening_a_window_writes_only_its_own_counter(db):
    """A visitor's first booking counts itself in the booking's transaction: one statement, and no
    deleting of other visitors' counters there (the worker does that)."""
    counters_started(30)
    with CaptureQueriesContext(connection) as captured:
        assert ratelimit.hit("booking", "10.0.0.9", ratelimit.Rate(5, 3600)) is None
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]
    assert RateCounter.objects.count() == 2


def test_a_rate_of_zero_requests_is_off(db):
    rate = ratelimit.Rate(0, 60)
    assert [ratelimit.hit("t", "x", rate) for _ in range(5)] == [None] * 5
    assert RateCounter.objects.count() == 0


def test_the_counter_stores_no_address_in_the_clear(consultant, settings):
    settings.RATE_LIMIT_LOGIN = (5, 300)
    from_address("203.0.113.77").post("/login/", {"username": "carla@acme.test", "password": "wrong"})
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2  # the address and the account
    assert all(len(k) == 64 and "203.0.113.77" not in k and "carla" not in k for k in keys)


def test_behind_proxies_it_counts_the_address_they_saw(consultant, settings):
    settings.RATE_LIMIT_LOGIN = (1, 300)
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = HttpClient(REMOTE_ADDR="10.0.0.2")
    first = proxy.post(
        "/login/", {"username": "carla@acme.test", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    other_visitor = proxy.post(
        "/login/",
        {"username": "carla@acme.test", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.6",  # a forged first hop is ignored
    )
    same_visitor = proxy.post(
        "/login/", {"username": "carla@acme.test", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert (first.status_code, other_visitor.status_code, same_visitor.status_code) == (400, 302, 429)


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_get_past_the_limit_together():
    rate = ratelimit.Rate(3, 60)
    now = timezone.now()
    barrier = threading.Barrier(6)
    answers: list[int | None] = []

    def request() -> None:
        try:
            barrier.wait()
            answers.append(ratelimit.hit("login", "203.0.113.7", rate, now))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 6
    assert sum(a is None for a in answers) == 3
    assert sorted(a for a in answers if a is not None) == [60, 60, 60]
    assert RateCounter.objects.get().count == 6  # refused requests count too; the window does not move


def test_a_rate_setting_is_read_strictly(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_TEST", "10/300")
    assert env_rate("RATE_LIMIT_TEST", "1/1") == (10, 300)
    monkeypatch.setenv("RATE_LIMIT_TEST", "0/60")
    assert env_rate("RATE_LIMIT_TEST", "1/1") == (0, 60)  # off
    for bad in ("10", "10/0", "ten/60", "-1/60", "10/60s", ""):
        monkeypatch.setenv("RATE_LIMIT_TEST", bad)
        with pytest.raises(ConfigError, match='RATE_LIMIT_TEST must look like "10/300"'):
            env_rate("RATE_LIMIT_TEST", "1/1")
