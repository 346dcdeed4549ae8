"""The emulator's notion of "now": real time plus an offset, or a frozen instant.

Everything that expires (tokens, codes, page tokens) or resets (the per-UTC-day meeting limit,
rate-limit windows) reads this clock, so tests can cross an hour or a day boundary without sleeping.
"""

import time
from datetime import UTC, datetime
from functools import lru_cache


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen_at: float | None = None

    def time(self) -> float:
        if self.frozen_at is not None:
            return self.frozen_at
        return time.time() + self.offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds

    def set(self, when: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at = when
        else:
            self.offset = when - time.time()

    def freeze(self, frozen: bool) -> None:
        if frozen and self.frozen_at is None:
            self.frozen_at = self.time()
        elif not frozen and self.frozen_at is not None:
            self.offset = self.frozen_at - time.time()
            self.frozen_at = None

    def as_dict(self) -> dict[str, object]:
        return {"now": iso(self.time()), "frozen": self.frozen_at is not None, "offset_seconds": self.offset}


def iso(ts: float) -> str:
    """Zoom writes UTC times as yyyy-MM-ddTHH:mm:ssZ, without fractions."""
    return _iso_seconds(int(ts))


@lru_cache(maxsize=4096)
def _iso_seconds(seconds: int) -> str:
    t = time.gmtime(seconds)
    # Four-digit years always (strftime's %Y writes year 85 as "85").
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}Z"


def iso_ms(ts: float) -> str:
    # app_deauthorized carries milliseconds: "2020-06-17T13:52:28.632Z"
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def utc_day(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
