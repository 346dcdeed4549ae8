"""A refused request (403) is logged as one line; an unexpected error (500) keeps its traceback."""

import json
import logging

import pytest
from django.test import Client as HttpClient

from sessiondesk.ops.logs import JsonFormatter, PlainFormatter
from tests.conftest import login
from tests.notifications.helpers import book


@pytest.fixture
def session(consultant, student, lesson):  # type: ignore[no-untyped-def]
    return book(consultant, [student], lesson)


def test_a_refusal_logs_one_warning_line_without_a_traceback(client, consultant2, session, caplog):
    login(client, consultant2)
    with caplog.at_level(logging.WARNING):
        response = client.get(f"/sessions/{session.pk}/")
    assert response.status_code == 403
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("django.request", "WARNING", f"Forbidden (Permission denied): GET /sessions/{session.pk}/ 403")
    ]
    record = caplog.records[0]
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    assert "\n" not in PlainFormatter().format(record)
    assert "exception" not in json.loads(JsonFormatter().format(record))


def test_an_unexpected_error_keeps_its_traceback(db, settings, caplog):
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    with caplog.at_level(logging.WARNING):
        response = HttpClient(raise_request_exception=False).get("/failing/")
    assert response.status_code == 500
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("django.request", "ERROR", "Internal Server Error: /failing/")
    ]
    record = caplog.records[0]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    text = PlainFormatter().format(record)
    assert "Traceback (most recent call last):" in text
    assert text.endswith("RuntimeError: the disk is full")
    assert json.loads(JsonFormatter().format(record))["exception"].endswith("RuntimeError: the disk is full")
