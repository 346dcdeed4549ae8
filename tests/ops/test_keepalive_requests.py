"""serve closes a kept-alive connection after every WEB_KEEPALIVE_REQUESTS-th request on it, saying
so in that response, so that clients connect again and the load evens out over the web processes."""

import http.client
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from sessiondesk.ops import gunicorn_config
from tests.ops.served import serve


def test_every_nth_request_on_a_connection_closes_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gunicorn_config, "KEEPALIVE_REQUESTS", 3)
    requests = [SimpleNamespace(req_number=n, must_close=False) for n in range(1, 8)]
    for req in requests:
        gunicorn_config.pre_request(None, req)
    assert [req.must_close for req in requests] == [False, False, True, False, False, True, False]


def test_none_is_closed_when_it_is_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gunicorn_config, "KEEPALIVE_REQUESTS", 0)
    req = SimpleNamespace(req_number=20, must_close=False)
    gunicorn_config.pre_request(None, req)
    assert req.must_close is False


def _answers(base: str, count: int) -> list[tuple[int, str, int]]:
    """``count`` requests on one client connection (reopened when the server closes it): for each,
    its status, its Connection header and the client's port (a new port: a new connection)."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    seen = []
    try:
        for _ in range(count):
            connection.request("GET", "/healthz")
            if connection.sock is None:
                raise AssertionError("no socket after sending")
            port = connection.sock.getsockname()[1]
            response = connection.getresponse()
            response.read()
            seen.append((response.status, (response.getheader("Connection") or "").lower(), port))
    finally:
        connection.close()
    return seen


@pytest.mark.django_db(transaction=True)
def test_serve_closes_the_connection_after_so_many_requests(tmp_path) -> None:  # type: ignore[no-untyped-def]
    args = ("--no-collectstatic", "--workers", "1", "--threads", "2")
    with serve(tmp_path, *args, WEB_KEEPALIVE_REQUESTS="3") as (base, _):
        answers = _answers(base, 5)
    assert [(status, header) for status, header, _ in answers] == [
        (200, "keep-alive"),
        (200, "keep-alive"),
        (200, "close"),
        (200, "keep-alive"),
        (200, "keep-alive"),
    ]
    ports = [port for *_, port in answers]
    assert ports[0] == ports[1] == ports[2] != ports[3] == ports[4]


@pytest.mark.django_db(transaction=True)
def test_serve_keeps_the_connection_when_it_is_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    args = ("--no-collectstatic", "--workers", "1", "--threads", "2")
    with serve(tmp_path, *args, WEB_KEEPALIVE_REQUESTS="0") as (base, _):
        answers = _answers(base, 25)
    assert {header for _, header, _ in answers} == {"keep-alive"}
    assert len({port for *_, port in answers}) == 1
