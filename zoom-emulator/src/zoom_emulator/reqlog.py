"""A log of every request the emulated Zoom received, for tests that assert which calls were made."""

import threading
from typing import Any

MAX_ENTRIES = 100_000


class RequestLog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: list[dict[str, Any]] = []
        self.next_id = 1

    def add(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry["id"] = self.next_id
            self.next_id += 1
            self.entries.append(entry)
            if len(self.entries) > MAX_ENTRIES:
                del self.entries[: len(self.entries) - MAX_ENTRIES]

    def clear(self) -> None:
        with self.lock:
            self.entries = []

    def query(self, filters: dict[str, str]) -> list[dict[str, Any]]:
        """Exact match on method, path, status, code, account_id, user_id, client_id;
        `path_prefix` and `since_id` narrow further."""
        with self.lock:
            rows = list(self.entries)
        for key, value in filters.items():
            if key == "path_prefix":
                rows = [r for r in rows if r["path"].startswith(value)]
            elif key == "since_id":
                rows = [r for r in rows if r["id"] > int(value)]
            elif key == "method":
                rows = [r for r in rows if r["method"] == value.upper()]
            elif key in ("status", "code"):
                rows = [r for r in rows if str(r.get(key)) == value]
            elif key in ("path", "account_id", "user_id", "client_id"):
                rows = [r for r in rows if r.get(key) == value]
        return rows
