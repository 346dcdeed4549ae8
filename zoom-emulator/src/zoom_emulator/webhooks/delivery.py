"""Delivering webhooks off the request thread, with Zoom's retry schedule on the emulator clock.

Zoom counts a delivery as received on a 2xx within 3 seconds, and retries three times (5, 20 and
60 minutes apart) only after a 5xx or a transport error; 3xx and 4xx are never retried. Retries
fall due on the emulator clock, so a test advances the clock and flushes instead of waiting.
"""

import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from ..apps import App
from ..http import dumps
from .signing import encrypted_token, signature

if TYPE_CHECKING:
    from ..state import State


@dataclass
class Delivery:
    id: int
    event: str
    client_id: str
    url: str
    body: str
    secret_token: str
    verification_token: str
    created_at: float
    next_attempt_at: float
    status: str = "pending"
    attempts: list[dict[str, Any]] = field(default_factory=list)
    claimed: bool = False

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "client_id": self.client_id,
            "url": self.url,
            "status": self.status,
            "status_code": self.attempts[-1]["status_code"] if self.attempts else None,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at if self.status == "pending" else None,
            "body": self.body,
        }


class Deliverer:
    def __init__(self, state: "State") -> None:
        self.state = state
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None
        self.stopped = False
        self.clear()

    def clear(self) -> None:
        with self.cond:
            self.items: list[Delivery] = []
            self.next_id = 1
            self.inflight = 0

    def enqueue(self, app: App, event: str, body: dict[str, Any]) -> Delivery:
        now = self.state.now()
        with self.cond:
            delivery = Delivery(
                id=self.next_id,
                event=event,
                client_id=app.client_id,
                url=app.webhook_url,
                body=dumps(body),
                secret_token=app.secret_token,
                verification_token=app.verification_token,
                created_at=now,
                next_attempt_at=now,
            )
            self.next_id += 1
            self.items.append(delivery)
            self.cond.notify_all()
        if self.state.settings.webhook_mode == "background":
            self.start()
        return delivery

    def listed(self, event: str = "", client_id: str = "") -> list[dict[str, Any]]:
        with self.cond:
            rows = [d.public() for d in self.items]
        return [
            r
            for r in rows
            if (not event or r["event"] == event) and (not client_id or r["client_id"] == client_id)
        ]

    def wake(self) -> None:
        with self.cond:
            self.cond.notify_all()

    # Running deliveries.

    def claim_due(self) -> list[Delivery]:
        now = self.state.now()
        with self.cond:
            due = [
                d for d in self.items if d.status == "pending" and not d.claimed and d.next_attempt_at <= now
            ]
            for d in due:
                d.claimed = True
            self.inflight += len(due)
            return due

    def run_due(self) -> int:
        done = 0
        while True:
            due = self.claim_due()
            if not due:
                return done
            for delivery in due:
                try:
                    self.attempt(delivery)
                finally:
                    with self.cond:
                        delivery.claimed = False
                        self.inflight -= 1
                        self.cond.notify_all()
                done += 1

    def flush(self, timeout: float = 30.0) -> dict[str, int]:
        """Deliver everything due now on this thread and wait for deliveries in flight elsewhere.
        Retries scheduled for later stay pending until the clock reaches them."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            self.run_due()
            now = self.state.now()
            with self.cond:
                waiting = any(
                    d.status == "pending" and d.next_attempt_at <= now and not d.claimed for d in self.items
                )
                if self.inflight == 0 and not waiting:
                    break
                if time.monotonic() > deadline:
                    break
                self.cond.wait(0.02)
        with self.cond:
            counts = {"pending": 0, "delivered": 0, "failed": 0}
            for d in self.items:
                counts[d.status] += 1
            return counts

    def attempt(self, delivery: Delivery) -> None:
        settings = self.state.settings
        now = self.state.now()
        raw = delivery.body.encode()
        timestamp = str(int(now))
        headers = {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Zoom Marketplace/1.0a",
            "x-zm-request-timestamp": timestamp,
            "x-zm-signature": signature(delivery.secret_token, timestamp, raw),
            "x-zm-request-id": str(uuid.uuid4()),
            "x-zm-trackingid": "v=2.0;clid=us05;rid=" + uuid.uuid4().hex[:20],
        }
        if delivery.verification_token:
            headers["authorization"] = delivery.verification_token
        record: dict[str, Any] = {"at": now, "status_code": None, "error": None}
        try:
            response = self.post(delivery.url, raw, headers, settings.webhook_timeout)
            record["status_code"] = response.status_code
        except httpx.HTTPError as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
        retryable = record["status_code"] is None or record["status_code"] >= 500
        with self.cond:
            delivery.attempts.append(record)
            code = record["status_code"]
            if code is not None and 200 <= code < 300:
                delivery.status = "delivered"
            elif retryable and len(delivery.attempts) <= len(settings.webhook_retry_delays):
                delay = settings.webhook_retry_delays[len(delivery.attempts) - 1]
                delivery.next_attempt_at = now + delay
            else:
                delivery.status = "failed"

    def post(self, url: str, raw: bytes, headers: dict[str, str], timeout: float) -> httpx.Response:
        transport = self.state.webhook_transport
        if callable(transport) and not isinstance(transport, httpx.BaseTransport):
            return transport(url, raw, headers)
        with httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as client:
            return client.post(url, content=raw, headers=headers)

    # The background thread.

    def start(self) -> None:
        with self.cond:
            if self.thread is not None and self.thread.is_alive():
                return
            self.stopped = False
            self.thread = threading.Thread(target=self.loop, name="zoom-emulator-webhooks", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify_all()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def loop(self) -> None:
        while True:
            with self.cond:
                if self.stopped:
                    return
            if self.state.settings.webhook_mode == "background":
                self.run_due()
            with self.cond:
                if self.stopped:
                    return
                pending = any(d.status == "pending" for d in self.items)
                # Future retries become due when the clock moves; poll while any are waiting.
                self.cond.wait(0.2 if pending else None)


def validate_endpoint(state: "State", app: App) -> dict[str, Any]:
    """Send the endpoint.url_validation challenge now and check the answer, as Zoom does on save."""
    plain = uuid.uuid4().hex[:22]
    now = state.now()
    body = dumps(
        {"payload": {"plainToken": plain}, "event_ts": int(now * 1000), "event": "endpoint.url_validation"}
    )
    timestamp = str(int(now))
    headers = {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a",
        "x-zm-request-timestamp": timestamp,
        "x-zm-signature": signature(app.secret_token, timestamp, body.encode()),
    }
    expected = encrypted_token(app.secret_token, plain)
    result: dict[str, Any] = {"ok": False, "status_code": None, "error": None}
    try:
        response = state.webhooks.post(
            app.webhook_url, body.encode(), headers, state.settings.webhook_timeout
        )
        result["status_code"] = response.status_code
        answer = response.json() if response.status_code in (200, 204) and response.content else {}
        result["ok"] = answer.get("plainToken") == plain and answer.get("encryptedToken") == expected
        if not result["ok"]:
            result["error"] = "the response did not carry the expected plainToken and encryptedToken"
    except (httpx.HTTPError, ValueError) as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    with state.lock:
        app.endpoint_validated = bool(result["ok"])
    return result
