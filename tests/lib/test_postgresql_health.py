"""The PostgreSQL backend's health check: a kept connection is checked without a round trip, and
one the server ended is still found out and replaced before a request uses it."""

import select
import time

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


def another_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("server_side_binding", None)
    return psycopg.connect(**params, autocommit=True)


def last_statement(other: psycopg.Connection, pid: int) -> str:
    row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None
    return str(row[0])


def test_a_kept_connection_is_checked_without_asking_the_server() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement before the check'")
    pid = connection.connection.info.backend_pid
    with another_connection() as other:
        assert last_statement(other, pid) == "SELECT 'the last statement before the check'"
        connection.health_check_done = False  # as at the start of every request
        connection.close_if_health_check_failed()
        assert connection.connection is not None and connection.connection.info.backend_pid == pid
        assert last_statement(other, pid) == "SELECT 'the last statement before the check'"


def test_a_connection_the_server_ended_is_replaced_before_it_is_used() -> None:
    connection.ensure_connection()
    ended = connection.connection
    pid = ended.info.backend_pid
    with another_connection() as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    # The server's goodbye reaches the socket a moment later.
    poller = select.poll()
    poller.register(ended.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(10) and time.monotonic() < deadline:
        pass
    assert not ended.closed  # psycopg has not noticed yet: only the check can
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert connection.connection is None
    with connection.cursor() as cursor:  # a new connection, no error
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
