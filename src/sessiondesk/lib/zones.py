"""IANA time zone names, read once per process."""

import functools
import zoneinfo


@functools.cache
def known_zones() -> frozenset[str]:
    """Every zone name Python knows. ``zoneinfo.available_timezones()`` walks the zone files on each
    call (tens of milliseconds); the set cannot change while a process runs."""
    return frozenset(zoneinfo.available_timezones())


def is_known_zone(name: str) -> bool:
    return name in known_zones()
