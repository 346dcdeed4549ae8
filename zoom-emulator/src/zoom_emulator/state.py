"""The emulator's whole state: in memory, guarded by one lock, optionally saved to a file."""

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .accounts import Account
from .apps import App, Installation
from .clock import Clock
from .groups.models import Group
from .meetings.models import Meeting
from .oauth.models import AccessToken, AuthCode, RefreshToken
from .registrants.models import Registrant
from .roles.models import Role
from .runs.models import Run
from .users.models import User


@dataclass
class Settings:
    # Zoom: access tokens live one hour, codes five minutes. Refresh token lifetime is disputed
    # (15 years vs 90 days); 90 days is the safer default.
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 90 * 86400
    code_ttl: int = 300
    page_token_ttl: int = 900
    # Zoom retries a failed delivery 5, 20 and 60 minutes apart (on the emulator clock here).
    webhook_retry_delays: list[float] = field(default_factory=lambda: [300.0, 1200.0, 3600.0])
    webhook_timeout: float = 3.0
    # "background": a delivery thread; "manual": only on /_emulator/webhooks/flush, on the caller's thread.
    webhook_mode: str = "background"
    # Used in URLs the emulator writes when no request is at hand (webhooks); set from requests.
    base_url: str = "http://127.0.0.1:9000"
    # Seconds a "timeout" fault holds the request when served over a socket.
    timeout_fault_seconds: float = 30.0
    # Zoom's participant report is not there at once after a meeting ends (it answers 3001 until it is).
    report_delay_seconds: float = 300.0


TABLES: dict[str, type] = {
    "accounts": Account,
    "users": User,
    "roles": Role,
    "groups": Group,
    "meetings": Meeting,
    "registrants": Registrant,
    "apps": App,
    "installations": Installation,
    "codes": AuthCode,
    "access_tokens": AccessToken,
    "refresh_tokens": RefreshToken,
    "runs": Run,
}


class State:
    """All emulated Zoom data. Hold `lock` while reading or changing anything."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.settings = Settings()
        self.webhook_transport: Any = None
        self.persist_path: str | None = None
        self.dirty = False
        self.clear()
        from .control.faults import Faults
        from .ratelimit import RateLimiter
        from .reqlog import RequestLog
        from .webhooks.delivery import Deliverer

        self.request_log = RequestLog()
        self.faults = Faults()
        self.ratelimits = RateLimiter()
        self.webhooks = Deliverer(self)

    def clear(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.users: dict[str, User] = {}
        self.roles: dict[str, Role] = {}
        self.groups: dict[str, Group] = {}
        self.group_members: dict[str, list[str]] = {}
        self.meetings: dict[int, Meeting] = {}
        self.registrants: dict[str, Registrant] = {}
        # (meeting id, email, UTC day) -> registration requests (Zoom allows 3 a day).
        self.registration_requests: dict[tuple[int, str, str], int] = {}
        self.apps: dict[str, App] = {}
        self.installations: dict[str, Installation] = {}
        self.codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.page_tokens: dict[str, tuple[str, int, float]] = {}
        self.compliance: list[dict[str, Any]] = []
        self.runs: dict[str, Run] = {}
        # People who opened a join link before the host started: they go in when it starts.
        self.waiting_for_host: dict[int, list[dict[str, Any]]] = {}

    def reset(self) -> None:
        with self.lock:
            self.clear()
            self.clock.__init__()  # type: ignore[misc]
            self.settings = Settings()
            self.request_log.clear()
            self.faults.clear()
            self.ratelimits.reset()
            self.webhooks.clear()
            self.dirty = True

    def now(self) -> float:
        return self.clock.time()

    # Lookups shared by several resources.

    def user_by_email(self, email: str) -> User | None:
        wanted = email.lower()
        for user in self.users.values():
            if user.email.lower() == wanted:
                return user
        return None

    def account_users(self, account_id: str) -> list[User]:
        return [u for u in self.users.values() if u.account_id == account_id]

    def owner_of(self, account_id: str) -> User | None:
        for user in self.account_users(account_id):
            if user.role_id == "0":
                return user
        return None

    # Persistence.

    def to_dict(self) -> dict[str, Any]:
        with self.lock:
            data: dict[str, Any] = {
                name: [asdict(row) for row in getattr(self, name).values()] for name in TABLES
            }
            data["group_members"] = self.group_members
            data["compliance"] = self.compliance
            data["clock_offset"] = self.clock.offset
            return data

    def load_dict(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.clear()
            for name, cls in TABLES.items():
                known = {f.name for f in fields(cls)}
                table = getattr(self, name)
                for row in data.get(name, []):
                    obj = cls(**{k: v for k, v in row.items() if k in known})
                    table[_key(name, obj)] = obj
            self.group_members = {k: list(v) for k, v in data.get("group_members", {}).items()}
            self.compliance = list(data.get("compliance", []))
            self.clock.offset = float(data.get("clock_offset", 0.0))

    def save(self) -> None:
        if not self.persist_path:
            return
        with self.lock:
            text = json.dumps(self.to_dict(), separators=(",", ":"))
            self.dirty = False
        folder = os.path.dirname(os.path.abspath(self.persist_path))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".zoom-emulator-")
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        # Atomic replace: a crash mid-save never leaves a half-written state file.
        os.replace(tmp, self.persist_path)

    def load_file(self, path: str) -> None:
        with open(path) as handle:
            self.load_dict(json.load(handle))


def _key(table: str, obj: Any) -> Any:
    if table == "apps":
        return obj.client_id
    if table == "installations":
        return install_key(obj.client_id, obj.user_id)
    if table == "codes":
        return obj.code
    if table in ("access_tokens", "refresh_tokens"):
        return obj.token
    return obj.id


def install_key(client_id: str, user_id: str) -> str:
    return f"{client_id}:{user_id}"
