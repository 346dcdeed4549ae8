"""No input makes the API fail with a 500 or answer anything but JSON."""

import itertools

import pytest

from tests.api.conftest import future, schedule

NASTY = [
    None,
    True,
    -1,
    0,
    2**70,
    1.5,
    "",
    "\x00",
    "x" * 5000,
    [],
    {},
    [1, "a"],
    {"a": 1},
    "2030-01-01T10:00:00+25:00",
    "2030-02-30T10:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
]


@pytest.fixture
def targets(staff, consultant, student, lesson, carla_calendar):
    session = schedule(consultant, "Algebra", future(3, 10), clients=[student])
    valid = {
        "title": "T",
        "session_type": lesson.pk,
        "consultant": consultant.pk,
        "start": future(5, 10).isoformat(),
        "end": future(5, 11).isoformat(),
        "name": "N",
        "email": "n@example.test",
        "members": [consultant.pk],
    }
    return valid, [
        (
            "post",
            "/sessions/",
            [
                "title",
                "session_type",
                "consultant",
                "start",
                "end",
                "clients",
                "co_hosts",
                "is_online",
                "provider",
                "custom_meeting_url",
                "calendar",
                "repeat",
            ],
        ),
        (
            "patch",
            f"/sessions/{session.pk}",
            ["title", "consultant", "clients", "provider", "scope", "is_online"],
        ),
        ("post", f"/sessions/{session.pk}/reschedule", ["start", "end", "scope"]),
        ("post", f"/sessions/{session.pk}/cancel", ["reason", "scope"]),
        (
            "post",
            "/calendars/",
            [
                "name",
                "slug",
                "kind",
                "members",
                "session_type",
                "buffer_before_minutes",
                "custom_meeting_url",
                "max_days_ahead",
            ],
        ),
        (
            "patch",
            f"/calendars/{carla_calendar.pk}",
            ["name", "slug", "kind", "members", "slot_interval_minutes"],
        ),
        ("post", "/clients/", ["name", "email", "timezone", "phone"]),
        ("patch", f"/clients/{student.pk}", ["name", "email", "timezone", "notes"]),
    ]


def test_no_field_value_causes_a_server_error(call_as, staff, targets):
    api = call_as(staff)
    valid, endpoints = targets
    for (method, path, names), value in itertools.product(endpoints, NASTY):
        for name in names:
            body = {k: v for k, v in valid.items() if k in names} if path.endswith("/") else {}
            body[name] = value
            response = getattr(api, method)(path, body)
            assert response.status_code < 500, (path, name, value, response.content)
            assert response["Content-Type"] == "application/json; charset=utf-8", (path, name, value)


@pytest.mark.parametrize(
    "raw", ["", "null", "[]", '"s"', "1", "{" * 100_000, '{"title": "\\ud800"}', b"\xff\xfe\x00"]
)
def test_no_body_causes_a_server_error(call_as, staff, raw):
    response = call_as(staff).post("/sessions/", raw=raw)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "x"},
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
        {"timezone": "\x00"},
        {"limit": 10**30},
        {"offset": 10**18},
        {"consultant": -5},
        {"q": "\x00\x00"},
    ],
)
def test_no_query_causes_a_server_error(call_as, staff, carla_calendar, params):
    api = call_as(staff)
    for path in ["/sessions/", "/clients/", f"/calendars/{carla_calendar.pk}/slots"]:
        response = api.get(path, params)
        assert response.status_code < 500, (path, params, response.content)


def test_a_wrong_method_gets_json(call_as, staff):
    response = call_as(staff).post("/sessions/1", {})
    assert response.status_code == 405
    assert response.json()["detail"].startswith("POST is not allowed here; use ")


def test_an_unknown_endpoint_gets_json(call_as, staff):
    response = call_as(staff).get("/appointments/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No API endpoint at /api/v1/appointments/.", "field": None}


def test_a_path_id_that_is_not_a_number_gets_a_clear_message(call_as, staff):
    response = call_as(staff).get("/sessions/abc")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "session_id: Input should be a valid integer, unable to parse string as an integer."
    )


def test_a_missing_trailing_slash_gets_a_hint(call_as, staff):
    response = call_as(staff).post("/sessions", {})
    assert response.status_code == 404
    assert response.json()["detail"] == "No API endpoint at /api/v1/sessions; did you mean /api/v1/sessions/?"
