"""The web processes' gunicorn worker: gunicorn's threaded worker (``gthread``), with each request
read, answered and its connection kept alive by the same thread that the kernel woke for it.

In ``gthread`` a request passes through two threads: the process's main thread waits for any
connection to become readable, hands that connection to a thread of its pool, and takes it back
through a pipe once the answer is written, to wait for the next request on it. So each request
wakes the main thread twice and a pool thread once, and the threads pass the interpreter's lock
between them each time. Here every thread of the pool waits on one shared ``epoll`` set, in which
each connection is armed for a single event (``EPOLLONESHOT``): the kernel wakes one waiting thread
for a readable connection, that thread serves the request and arms the connection again. One wake
a request, and no hand-over: a quarter less of the HTTP server's own CPU a request (measured in
docs/performance.md, fifteenth round). And a connection that is open but has sent nothing holds no
thread, where ``gthread`` gives each new connection a thread for up to 5 s to send its request.

The main thread only keeps the process alive towards gunicorn's master, closes kept-alive
connections that stayed idle past ``--keep-alive``, and stops the process: on ``SIGTERM`` it stops
accepting, lets the requests under way finish and answers a request that arrives on a kept-alive
connection meanwhile with ``Connection: close``, as ``gthread`` does. A connection is closed only by
the thread holding it: the main thread shuts an idle one down, which makes it readable, and the
thread woken for it closes it. Requests are parsed and answered by ``gthread``'s own code
(``handle``). It needs ``epoll`` (Linux); ``serve`` chooses it where the system has it
(``WEB_WORKER``).
"""

import contextlib
import errno
import os
import select
import socket
import threading
import time
from typing import Any

from gunicorn.workers import base, gthread

_ARMED = select.EPOLLIN | select.EPOLLONESHOT
# A new connection may take this long to send its first request, as in gthread (data wait + keep-alive).
_FIRST_REQUEST_GRACE = gthread.DEFAULT_WORKER_DATA_TIMEOUT


class _Conn(gthread.TConn):
    """gthread's connection, with the file number it was accepted on (a socket closed while it is
    handled has none any more) and whether the main thread shut it down for idling."""

    def __init__(self, cfg: Any, sock: socket.socket, client: Any, server: Any) -> None:
        super().__init__(cfg, sock, client, server)
        self.fd = sock.fileno()
        self.expired = False


def _read_ahead(conn: _Conn) -> bool:
    """Whether the start of the next request has already left the socket, where its becoming readable
    would never announce it: read into the parser's buffer with the last request (a body drain reads
    ahead), or, over TLS, decrypted and held by the TLS layer (a record carrying the end of one
    request and the next beyond the parser's 8 KB read; gunicorn's ``gthread`` waits for more until
    the connection times out)."""
    if conn.parser.unreader.buf.getvalue():
        return True
    pending = getattr(conn.sock, "pending", None)
    return pending is not None and pending() > 0


class Worker(gthread.ThreadWorker):
    def init_process(self) -> None:
        self._epoll = select.epoll()
        self._guard = threading.Lock()  # the connections' table and counts, and the listeners' state
        self._conns: dict[int, _Conn] = {}  # every open connection, by its file descriptor
        self._idle: set[_Conn] = set()  # waiting for their next request
        self._listeners: dict[int, socket.socket] = {}
        self._listening = False
        self._stopped = False
        # gthread's handle_request closes a connection instead of keeping it when this many wait.
        self.keepalived_conns = self._idle  # type: ignore[assignment]
        base.Worker.init_process(self)  # not gthread's: no pool, poller or method queue here

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.alive = False  # the main thread sees it at once: the signal writes to its wake-up pipe

    def handle_quit(self, sig: int, frame: Any) -> None:
        self._stopped = True
        base.Worker.handle_quit(self, sig, frame)

    def run(self) -> None:
        for listener in self.sockets:
            listener.setblocking(False)
            self._listeners[listener.fileno()] = listener
        with self._guard:
            self._listen(True)
        threads = [
            threading.Thread(target=self._serve, name=f"web-{n}", daemon=True)
            for n in range(self.cfg.threads)
        ]
        for thread in threads:
            thread.start()
        while self.alive:
            self.notify()
            if not self.is_parent_alive():
                self.alive = False
                break
            self._expire(time.monotonic())
            self._nap(1.0)
        self._stop(threads)

    def _nap(self, seconds: float) -> None:
        """Sleep until ``seconds`` pass or a signal arrives (it writes to gunicorn's wake-up pipe)."""
        try:
            ready, _, _ = select.select([self.PIPE[0]], [], [], seconds)
            if ready:
                os.read(self.PIPE[0], 4096)
        except (OSError, ValueError):
            pass

    def _stop(self, threads: list[threading.Thread]) -> None:
        """Stop accepting; serve the requests under way and those arriving on kept-alive connections
        for ``STOP_KEEPALIVE_LINGER`` (answered with ``Connection: close``), at most until
        ``--graceful-timeout``; then close what is left."""
        with self._guard:
            self._listen(False)
            linger = time.monotonic() + gthread.STOP_KEEPALIVE_LINGER
            for conn in self._conns.values():
                conn.timeout = min(conn.timeout, linger)
        give_up = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < give_up:
            with self._guard:
                if not self._conns:
                    break
            self.notify()
            self._expire(time.monotonic())
            self._nap(0.1)
        self._stopped = True
        for thread in threads:
            thread.join(1.0)
        with self._guard:
            for conn in list(self._conns.values()):
                conn.close()
            self._conns.clear()
        self._epoll.close()
        for listener in self.sockets:
            listener.close()

    def _listen(self, on: bool) -> None:
        """Arm or disarm the listening sockets (under ``_guard``)."""
        if on == self._listening:
            return
        for fd in self._listeners:
            if on:
                self._epoll.register(fd, _ARMED)
            else:
                self._epoll.unregister(fd)
        self._listening = on

    def _serve(self) -> None:
        while not self._stopped:
            try:
                events = self._epoll.poll(0.5, 1)
            except InterruptedError:
                continue
            except (OSError, ValueError):
                return  # closed while stopping
            for fd, _ in events:
                try:
                    self._dispatch(fd)
                except Exception:
                    # As in gthread, where such an error ends the process: the master starts another.
                    self.log.exception(
                        "Unexpected error in a web thread; this process stops and is replaced."
                    )
                    self.alive = False

    def _dispatch(self, fd: int) -> None:
        listener = self._listeners.get(fd)
        if listener is not None:
            self._accept(listener)
            return
        with self._guard:
            conn = self._conns.get(fd)
            if conn is None:
                return
            self._idle.discard(conn)
        self._serve_conn(conn)

    def _accept(self, listener: socket.socket) -> None:
        try:
            sock, client = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            sock = None
        with self._guard:
            if sock is not None:
                conn = _Conn(self.cfg, sock, client, listener.getsockname())
                conn.timeout = time.monotonic() + self.cfg.keepalive + _FIRST_REQUEST_GRACE
                self._conns[conn.fd] = conn
                self._idle.add(conn)
                self.nr_conns += 1
                self._epoll.register(conn.fd, _ARMED)
            if self.alive and self._listening:
                if self.nr_conns < self.worker_connections:
                    self._epoll.modify(listener.fileno(), _ARMED)
                else:
                    self._listening = False  # armed again once a connection closes
                    self._epoll.unregister(listener.fileno())

    def _serve_conn(self, conn: _Conn) -> None:
        """Serve the request waiting on ``conn`` (and any the client sent behind it), then keep the
        connection for its next one or close it."""
        if conn.expired:
            self._close(conn)
            return
        conn.data_ready = True
        keep = self.handle(conn)
        while keep is True and _read_ahead(conn):
            keep = self.handle(conn)
        if keep is not True:
            self._close(conn, graceful=True)
            return
        conn.set_timeout()
        if not self.alive:
            conn.timeout = min(conn.timeout, time.monotonic() + gthread.STOP_KEEPALIVE_LINGER)
        with self._guard:
            self._idle.add(conn)
            self._epoll.modify(conn.fd, _ARMED)

    def _close(self, conn: _Conn, graceful: bool = False) -> None:
        with self._guard:
            self._conns.pop(conn.fd, None)
            self._idle.discard(conn)
            self.nr_conns -= 1
            with contextlib.suppress(OSError, ValueError):
                self._epoll.unregister(conn.fd)
            if self.alive and not self._listening and self.nr_conns < self.worker_connections:
                self._listen(True)
        with contextlib.suppress(OSError):
            conn.close(graceful=graceful)

    def _expire(self, now: float) -> None:
        """Shut down the connections idle past their time: each becomes readable, and the thread
        woken for it closes it."""
        with self._guard:
            for conn in self._idle:
                if not conn.expired and conn.timeout <= now:
                    conn.expired = True
                    with contextlib.suppress(OSError):
                        conn.sock.shutdown(socket.SHUT_RDWR)
