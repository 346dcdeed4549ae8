"""Cursor pages of the API's lists: a stable order, a bounded limit, no count unless asked."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessiondesk.api.paging import BAD_CURSOR
from sessiondesk.scheduling.models import Client
from tests.api.conftest import future, schedule


def ids(response):
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def walk(api, path, **params):
    """Every page from the first, following next_cursor; returns the ids, page by page."""
    pages, cursor = [], ""
    while True:
        answer = api.get(path, {**params, **({"cursor": cursor} if cursor else {})})
        pages.append(ids(answer))
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return pages


@pytest.fixture
def five(consultant):
    """Five sessions, the third and fourth at the same time (two consultants would clash: the
    fourth is cancelled first so the time is free again)."""
    sessions = [schedule(consultant, f"S{n}", future(2 + n, 10)) for n in range(3)]
    sessions[2].status = "cancelled"
    sessions[2].save()
    sessions.append(schedule(consultant, "S3 again", future(4, 10)))
    sessions.append(schedule(consultant, "S4", future(6, 10)))
    return sessions


def test_it_pages_sessions_by_start_then_id(call_as, staff, five):
    pages = walk(call_as(staff), "/sessions/", limit=2)
    assert pages == [[five[0].pk, five[1].pk], [five[2].pk, five[3].pk], [five[4].pk]]


def test_the_last_page_has_no_next_cursor(call_as, staff, five):
    answer = call_as(staff).get("/sessions/", {"limit": 5}).json()
    assert ([s["id"] for s in answer["items"]], answer["next_cursor"]) == ([s.pk for s in five], None)


def test_a_page_does_not_shift_when_sessions_are_added_before_it(call_as, staff, consultant, five):
    api = call_as(staff)
    first = api.get("/sessions/", {"limit": 2}).json()
    schedule(consultant, "Earlier", future(1, 10))  # sorts before everything already listed
    second = api.get("/sessions/", {"limit": 2, "cursor": first["next_cursor"]})
    assert ids(second) == [five[2].pk, five[3].pk]
    shifted = api.get("/sessions/", {"limit": 2, "offset": 2})  # what an offset would have given
    assert ids(shifted) == [five[1].pk, five[2].pk]


def test_filters_apply_to_every_page(call_as, staff, consultant, consultant2, five):
    other = schedule(consultant2, "Dev's", future(5, 10))
    pages = walk(call_as(staff), "/sessions/", limit=2, consultant=consultant2.pk)
    assert pages == [[other.pk]]
    pages = walk(call_as(staff), "/sessions/", limit=2, status="scheduled")
    assert pages == [[five[0].pk, five[1].pk], [five[3].pk, other.pk], [five[4].pk]]


def test_it_counts_only_when_asked(call_as, staff, five):
    api = call_as(staff)
    with CaptureQueriesContext(connection) as queries:
        answer = api.get("/sessions/", {"limit": 2}).json()
    assert answer["count"] is None
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert api.get("/sessions/", {"limit": 2, "count": "true"}).json()["count"] == 5


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "bm90IGpzb24",  # "not json"
        base64.urlsafe_b64encode(b'["2026-01-01T10:00:00+00:00"]').decode(),  # no id
        base64.urlsafe_b64encode(b'["yesterday", 3]').decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T10:00:00", 3]').decode(),  # no UTC offset
        base64.urlsafe_b64encode(b'["2026-01-01T10:00:00+00:00", "3"]').decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T10:00:00+00:00", 0]').decode(),
        base64.urlsafe_b64encode(b'{"start": 1}').decode(),
    ],
)
def test_it_refuses_a_bad_cursor(call_as, staff, five, cursor):
    response = call_as(staff).get("/sessions/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_CURSOR, "field": "cursor"}


def test_it_refuses_a_cursor_with_an_offset(call_as, staff, five):
    api = call_as(staff)
    cursor = api.get("/sessions/", {"limit": 1}).json()["next_cursor"]
    response = api.get("/sessions/", {"cursor": cursor, "offset": 1})
    assert response.status_code == 400
    assert response.json() == {"detail": "Use either cursor or offset, not both.", "field": "offset"}


@pytest.mark.parametrize("limit", [0, 201, -1])
def test_it_bounds_the_limit(call_as, staff, limit):
    response = call_as(staff).get("/sessions/", {"limit": limit})
    assert response.status_code == 422
    assert response.json()["field"] == "limit"


def test_a_client_cursor_breaks_ties_between_equal_names(call_as, staff, org):
    made = [
        Client.objects.create(org=org, name=name, email=f"c{n}@example.test")
        for n, name in enumerate(["Bea", "Ann", "Bea", "Ann", "Cy"])
    ]
    pages = walk(call_as(staff), "/clients/", limit=2)
    assert pages == [[made[1].pk, made[3].pk], [made[0].pk, made[2].pk], [made[4].pk]]


def test_a_client_cursor_keeps_the_search(call_as, staff, org):
    made = [Client.objects.create(org=org, name=f"Ann {n}", email=f"a{n}@example.test") for n in range(3)]
    Client.objects.create(org=org, name="Bob", email="bob@example.test")
    pages = walk(call_as(staff), "/clients/", limit=2, q="ann")
    assert pages == [[made[0].pk, made[1].pk], [made[2].pk]]


def test_a_consultant_pages_only_their_sessions(call_as, consultant, consultant2, five):
    schedule(consultant2, "Dev's", future(5, 10))
    pages = walk(call_as(consultant), "/sessions/", limit=3)
    assert pages == [[s.pk for s in five[:3]], [s.pk for s in five[3:]]]
