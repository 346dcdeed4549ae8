"""The web processes' gunicorn worker (``ops.web_worker``): the thread woken for a request serves it.

Most tests run gunicorn with the worker and a small application (``echo_wsgi``) that answers with
its process id, so they can set gunicorn's own limits; the last ones go through ``sessiondesk serve``.
"""

import contextlib
import datetime as dt
import http.client
import ipaddress
import os
import select
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sessiondesk.ops.management.commands.serve import worker_class
from tests.ops.served import serve

pytestmark = pytest.mark.skipif(not hasattr(select, "epoll"), reason="the worker needs epoll (Linux)")

WORKER = "sessiondesk.ops.web_worker.Worker"


@contextlib.contextmanager
def gunicorn(*args: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """gunicorn with the worker serving ``echo_wsgi``, one process, two threads unless ``args`` say
    otherwise; yields its port once it answers, and its master's process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    argv = [sys.executable, "-m", "gunicorn", "echo_wsgi:application", "--worker-class", WORKER]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--no-control-socket"]
    argv += ["--graceful-timeout", "10", *args]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("gunicorn did not start") from None
                time.sleep(0.1)
        yield port, server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)


def _get(port: int, path: str = "/", timeout: float = 10) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _read_answers(sock: socket.socket, count: int) -> list[bytes]:
    """The bodies of the next ``count`` answers on ``sock`` (each has a Content-Length)."""
    data = b""
    bodies = []
    while len(bodies) < count:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = int(
                next(
                    line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
                ).split(b":")[1]
            )
            if len(rest) >= length:
                bodies.append(rest[:length])
                data = rest[length:]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"closed after {len(bodies)} answers")
        data += chunk
    return bodies


def test_serve_uses_it_where_the_system_has_epoll() -> None:
    assert worker_class("auto") == WORKER
    assert worker_class("gthread") == "gthread"


def _request_after_request(connection: http.client.HTTPConnection, count: int) -> list[tuple[int, str, str]]:
    """``count`` requests in turn on ``connection``: each answer's status, the path it echoes, and
    its ``Connection`` header; asserts that one connection carried them all."""
    seen, locals_ = [], set()
    try:
        for n in range(count):
            connection.request("GET", f"/{n}")
            assert connection.sock is not None
            locals_.add(connection.sock.getsockname())
            response = connection.getresponse()
            body = response.read().decode()
            seen.append((response.status, body.split()[1], response.getheader("Connection", "").lower()))
    finally:
        connection.close()
    assert len(locals_) == 1  # one connection throughout
    return seen


def test_a_kept_alive_connection_serves_request_after_request() -> None:
    with gunicorn() as (port, _):
        seen = _request_after_request(http.client.HTTPConnection("127.0.0.1", port, timeout=10), 5)
    assert seen == [(200, f"/{n}", "keep-alive") for n in range(5)]


def test_requests_sent_together_on_one_connection_are_all_answered_in_order() -> None:
    with gunicorn() as (port, _), socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"".join(f"GET /{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for n in range(3)))
        bodies = _read_answers(sock, 3)
    assert [body.split()[1] for body in bodies] == [b"/0", b"/1", b"/2"]


def test_many_clients_at_once_are_all_served() -> None:
    failures: list[object] = []
    answered = []

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            for k in range(10):
                connection.request("GET", f"/{n}/{k}")
                response = connection.getresponse()
                body = response.read().decode()
                if response.status != 200 or body.split()[1] != f"/{n}/{k}":
                    failures.append((n, k, response.status, body))
                answered.append(1)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    with gunicorn("--workers", "2", "--threads", "3") as (port, _):
        clients = [threading.Thread(target=client, args=(n,)) for n in range(24)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(60)
    assert failures == []
    assert len(answered) == 240


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key, and the key, written to ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    cert, key_file = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert, key_file


def test_over_tls_a_connection_is_kept_alive_and_requests_sent_together_are_answered(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """gunicorn's own TLS (``--certfile``, ``--keyfile``, as ``GUNICORN_CMD_ARGS`` may give ``serve``)
    through the worker: the decrypted requests are read as plain ones, whether they come in one TLS
    record or in one each, and also when TLS holds the next one decrypted."""
    cert, key = _self_signed(tmp_path)
    trusted = ssl.create_default_context(cafile=str(cert))
    with gunicorn("--certfile", str(cert), "--keyfile", str(key)) as (port, _):
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=trusted)
        seen = _request_after_request(connection, 4)
        together = []
        for one_record in (True, False):
            requests = [f"GET /{one_record}/{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for n in range(3)]
            with (
                socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
                trusted.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
            ):
                if one_record:
                    sock.sendall(b"".join(requests))
                else:
                    for request in requests:
                        sock.sendall(request)
                together.append([body.split()[1].decode() for body in _read_answers(sock, 3)])
        # A request that fills the parser's read (8 KB) exactly, the next one behind it in the same TLS
        # record: that one is decrypted and held by TLS, so the socket never becomes readable for it.
        padding = b"GET /full HTTP/1.1\r\nHost: x\r\nX-Padding: \r\n\r\n"
        full = padding.replace(b"X-Padding: ", b"X-Padding: " + b"p" * (8192 - len(padding)))
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
            trusted.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
        ):
            sock.sendall(full + b"GET /behind HTTP/1.1\r\nHost: x\r\n\r\n")
            began = time.monotonic()
            behind = [body.split()[1].decode() for body in _read_answers(sock, 2)]
            behind_seconds = time.monotonic() - began
        # Plain HTTP on the TLS port is refused, not served.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as plain:
            plain.sendall(b"GET /plain HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while chunk := plain.recv(65536):
                answer += chunk
    assert seen == [(200, f"/{n}", "keep-alive") for n in range(4)]
    assert together == [[f"/True/{n}" for n in range(3)], [f"/False/{n}" for n in range(3)]]
    assert b"/plain" not in answer
    assert len(full) == 8192
    assert behind == ["/full", "/behind"]
    assert behind_seconds < 1.0  # not after the keep-alive's 2 s, when the connection is closed


def test_connections_that_send_nothing_hold_no_thread() -> None:
    """With two threads and three connections open and silent, another client is answered at once:
    a thread takes a connection only once it has a request to read."""
    with gunicorn() as (port, _):
        silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
        try:
            time.sleep(0.3)
            began = time.monotonic()
            assert _get(port, "/now")[0] == 200
            assert time.monotonic() - began < 1.0
            # A silent one that speaks at last is served too.
            silent[0].sendall(b"GET /late HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _read_answers(silent[0], 1)[0].split()[1] == b"/late"
        finally:
            for sock in silent:
                sock.close()


def test_a_slow_request_holds_one_thread_only() -> None:
    with gunicorn() as (port, _):
        slow = threading.Thread(target=_get, args=(port, "/slow?ms=1500"))
        slow.start()
        time.sleep(0.2)
        began = time.monotonic()
        assert [_get(port, f"/{n}")[0] for n in range(3)] == [200, 200, 200]
        assert time.monotonic() - began < 1.0
        slow.join()


def test_an_idle_kept_alive_connection_is_closed_after_keep_alive() -> None:
    with (
        gunicorn("--keep-alive", "1") as (port, _),
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        sock.sendall(b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answers(sock, 1)[0].split()[1] == b"/first"
        time.sleep(0.3)  # within keep-alive: still open
        sock.sendall(b"GET /second HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answers(sock, 1)[0].split()[1] == b"/second"
        idle_from = time.monotonic()
        sock.settimeout(5)
        assert sock.recv(1) == b""  # closed by the server
        assert 0.9 <= time.monotonic() - idle_from < 3.5


def test_a_connection_the_client_drops_is_let_go() -> None:
    """Clients that connect and leave, silent or half-way through a request, leave nothing behind:
    with room for only four connections, the process still takes new ones."""
    with gunicorn("--worker-connections", "4") as (port, _):
        for n in range(12):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                if n % 2:
                    sock.sendall(b"GET /half HTTP/1.1\r\nHo")
            time.sleep(0.05)
        time.sleep(0.3)
        assert _get(port, "/after")[0] == 200


def test_the_process_takes_no_more_connections_than_its_limit_until_one_closes() -> None:
    with gunicorn("--worker-connections", "3", "--threads", "1") as (port, _):
        held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
        try:
            time.sleep(0.3)
            waiting = socket.create_connection(("127.0.0.1", port), timeout=10)  # queued by the kernel
            waiting.sendall(b"GET /queued HTTP/1.1\r\nHost: x\r\n\r\n")
            waiting.settimeout(1.0)
            with pytest.raises(TimeoutError):
                waiting.recv(1)  # not accepted: the process is full
            held[0].close()
            waiting.settimeout(10)
            assert _read_answers(waiting, 1)[0].split()[1] == b"/queued"
            waiting.close()
        finally:
            for sock in held:
                sock.close()


def test_a_process_replaced_after_max_requests_serves_on() -> None:
    with gunicorn("--max-requests", "5") as (port, _):
        answers = [_get(port, f"/{n}") for n in range(23)]
    assert [status for status, _ in answers] == [200] * 23
    assert len({body.split()[0] for _, body in answers}) >= 4  # four or five processes in turn


def test_stopping_finishes_the_requests_under_way_and_closes_kept_alive_connections() -> None:
    with gunicorn() as (port, server):
        kept = socket.create_connection(("127.0.0.1", port), timeout=10)
        kept.sendall(b"GET /kept HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answers(kept, 1)[0].split()[1] == b"/kept"
        slow: list[tuple[int, str]] = []
        under_way = threading.Thread(target=lambda: slow.append(_get(port, "/slow?ms=1500")))
        under_way.start()
        time.sleep(0.3)
        server.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        # A request on the kept-alive connection while stopping is answered, and the connection closed.
        kept.sendall(b"GET /while-stopping HTTP/1.1\r\nHost: x\r\n\r\n")
        kept.settimeout(10)
        answer = b""
        while chunk := kept.recv(65536):
            answer += chunk
        kept.close()
        under_way.join(10)
        assert server.wait(timeout=15) == 0
    assert answer.startswith(b"HTTP/1.1 200")
    assert b"connection: close" in answer.lower()
    assert answer.endswith(b"/while-stopping")
    assert [(status, body.split()[1]) for status, body in slow] == [(200, "/slow")]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2)  # no longer listening


@pytest.mark.django_db(transaction=True)
def test_serve_answers_through_it_and_silent_connections_do_not_hold_its_threads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    args = ("--no-collectstatic", "--workers", "1", "--threads", "2")
    with serve(tmp_path, *args) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
        try:
            time.sleep(0.3)
            began = time.monotonic()
            status, _ = _get(port, "/healthz")
            waited = time.monotonic() - began
        finally:
            for sock in silent:
                sock.close()
    assert status == 200
    assert waited < 1.0
