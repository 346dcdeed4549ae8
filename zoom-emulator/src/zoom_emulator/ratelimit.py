"""Zoom's rate limits: per account and category per second (and per day on Free), and the per-host
limit of 100 meeting create/update calls per UTC day."""

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from .clock import utc_day
from .http import ZoomError

PER_SECOND: dict[str, dict[str, int]] = {
    "free": {"Light": 4, "Medium": 2, "Heavy": 1},
    "pro": {"Light": 30, "Medium": 20, "Heavy": 10},
    "business": {"Light": 80, "Medium": 60, "Heavy": 40},
}
DAILY: dict[str, dict[str, int]] = {"free": {"Light": 6000, "Medium": 2000, "Heavy": 1000}}

QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)
MEETING_DAILY_MESSAGE = (
    "You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests permitted "
    "for this particular user. You may resume these requests at GMT 00:00:00."
)


def next_midnight(now: float) -> str:
    day = datetime.fromtimestamp(now, UTC).date() + timedelta(days=1)
    return f"{day.isoformat()}T00:00:00Z"


def too_many(category: str, kind: str, limit: int, message: str, now: float) -> ZoomError:
    headers = {
        "X-RateLimit-Category": category,
        "X-RateLimit-Type": kind,
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
    }
    if kind == "Daily-limit":
        headers["Retry-After"] = next_midnight(now)
    return ZoomError(429, 429, message, headers)


class RateLimiter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.enabled = True
        self.daily_meeting_limit = 100
        # {"account id": {"Medium": 5}}: replaces the plan's per-second limit for that category.
        self.overrides: dict[str, dict[str, int]] = {}
        self.windows: dict[tuple[str, str], tuple[int, int]] = {}
        self.daily: dict[tuple[str, str, str], int] = {}
        self.meeting_daily: dict[tuple[str, str], int] = {}

    def config(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "daily_meeting_limit": self.daily_meeting_limit,
            "accounts": self.overrides,
            "plans": PER_SECOND,
        }

    def configure(self, body: dict[str, Any]) -> None:
        with self.lock:
            if "enabled" in body:
                self.enabled = bool(body["enabled"])
            if "daily_meeting_limit" in body:
                self.daily_meeting_limit = int(body["daily_meeting_limit"])
            for account_id, limits in (body.get("accounts") or {}).items():
                if limits is None:
                    self.overrides.pop(account_id, None)
                else:
                    self.overrides[account_id] = {k: int(v) for k, v in limits.items()}

    def check(self, account_id: str, plan: str, category: str, now: float) -> dict[str, str]:
        """Count one call; raise Zoom's 429 when over. Returns the headers for a successful answer."""
        if not self.enabled:
            return {}
        limit = self.overrides.get(account_id, {}).get(category) or PER_SECOND.get(plan, {}).get(category)
        if not limit:
            return {}
        second = int(now)
        with self.lock:
            key = (account_id, category)
            start, count = self.windows.get(key, (second, 0))
            if start != second:
                count = 0
            if count >= limit:
                raise too_many(category, "QPS", limit, QPS_MESSAGE, now)
            self.windows[key] = (second, count + 1)
            daily_limit = DAILY.get(plan, {}).get(category)
            if daily_limit and account_id not in self.overrides:
                day_key = (account_id, category, utc_day(now))
                used = self.daily.get(day_key, 0)
                if used >= daily_limit:
                    raise too_many(category, "Daily-limit", daily_limit, DAILY_MESSAGE, now)
                self.daily[day_key] = used + 1
            return {
                "X-RateLimit-Category": category,
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": str(limit - count - 1),
            }

    def charge_meeting(self, host_id: str, category: str, now: float) -> None:
        """The per-host daily meeting create/update limit; resets at 00:00 UTC, not rolling."""
        if not self.enabled:
            return
        limit = self.daily_meeting_limit
        with self.lock:
            key = (host_id, utc_day(now))
            used = self.meeting_daily.get(key, 0)
            if used >= limit:
                raise too_many(category, "Daily-limit", limit, MEETING_DAILY_MESSAGE.format(limit=limit), now)
            self.meeting_daily[key] = used + 1
