"""The back-to-back clients of ``booking_latency.py`` in one thread: each client is a coroutine with
its own kept-alive HTTP/1.1 connection, sending the same requests as the threaded clients (an API
booking, then a public one) and opening a new connection when the server closes one.

Sixteen client threads in one Python process take turns on its interpreter lock, and every answer
wakes one of them; one event loop waits on all sixteen sockets at once instead."""

import asyncio
import json
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from _common import summary


class Connection:
    """One client's connection: requests in turn, cookies kept, reopened after ``Connection: close``."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.base = url
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        assert self.reader is not None
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        length, chunked, close = 0, False, False
        for line in head[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        if chunked:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.reader = self.writer = None
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def drive(
    url: str,
    seed: dict,
    clients: int,
    requests: int,
    api_body: Callable[[dict, int, int], dict],
    public_form: Callable[[int, int, int, str], tuple[str, dict[str, str]]],
    on_start: Callable[[], None],
) -> dict:
    """``clients`` coroutines book back to back, ``requests`` each (even: through the API, odd: the
    public page, with ``booking_latency``'s bodies), after the same warm-up as the threaded clients;
    ``on_start`` is called when they start booking. Returns the run's summary."""

    async def run() -> dict:
        latencies: list[float] = []
        errors: list[int] = []
        connections = [Connection(url) for _ in range(clients)]
        auth = {"Authorization": f"Bearer {seed['token']}"}
        for index, conn in enumerate(connections):
            for _ in range(3):
                await conn.request("GET", f"/book/bench/cal-{clients + index}/")
                await conn.request("GET", "/api/v1/me", headers=auth)
        on_start()
        began = time.perf_counter()

        async def client(index: int, conn: Connection) -> None:
            for k in range(requests):
                t0 = time.perf_counter()
                if k % 2 == 0:
                    body = json.dumps(api_body(seed, index, k)).encode()
                    json_headers = {**auth, "Content-Type": "application/json"}
                    status = await conn.request("POST", "/api/v1/sessions/", body, json_headers)
                    ok = status == 201
                else:
                    path, form = public_form(clients, index, k, conn.cookies.get("csrftoken", ""))
                    form_headers = {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Referer": url + path,
                    }
                    status = await conn.request("POST", path, urlencode(form).encode(), form_headers)
                    ok = status == 303
                elapsed = (time.perf_counter() - t0) * 1000
                (latencies.append(elapsed) if ok else errors.append(status))

        await asyncio.gather(*(client(i, c) for i, c in enumerate(connections)))
        seconds = time.perf_counter() - began
        for conn in connections:
            conn.close()
        result = summary(latencies, len(errors), seconds)
        if errors:
            result["error_statuses"] = sorted(set(errors))
        return result

    return asyncio.run(run())
