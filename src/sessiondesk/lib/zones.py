"""IANA time zone names, read once per process, and the time zone picker."""

import datetime as dt
import functools
import importlib.resources
import zoneinfo
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


@functools.cache
def known_zones() -> frozenset[str]:
    """Every zone name Python knows. ``zoneinfo.available_timezones()`` walks the zone files on each
    call (tens of milliseconds); the set cannot change while a process runs."""
    return frozenset(zoneinfo.available_timezones())


def is_known_zone(name: str) -> bool:
    return name in known_zones()


# Offered first: where most people of an English-speaking tutoring business live and teach.
COMMON = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
# Used only when the tz database's zone.tab cannot be read: the old names it leaves out.
LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@functools.cache
def listed_zones() -> tuple[str, ...]:
    """The zones a picker offers: one name per place, as the tz database's ``zone.tab`` lists them
    (``Asia/Kolkata``, ``Europe/Kyiv``), without the older aliases the database keeps for
    compatibility (``US/Eastern``, ``Asia/Calcutta``, ``EST5EDT``, ``Etc/GMT+5``)."""
    try:
        table = (importlib.resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
        rows = (line.split("\t") for line in table.splitlines() if line and not line.startswith("#"))
        names = {row[2] for row in rows if len(row) >= 3}
    except (ModuleNotFoundError, FileNotFoundError):
        names = {n for n in known_zones() if "/" in n and not n.startswith(LEGACY_PREFIXES)}
    return tuple(sorted((names & known_zones()) | {"UTC"}))


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    # ZoneInfo keeps only a few zones alive by itself; every zone of the picker would be read from
    # disk again on each page.
    return zoneinfo.ZoneInfo(name)


def zone_name(name: str) -> str:
    """ "America/New York": a zone's identifier as people read it (exports and the API keep the
    identifier itself)."""
    return name.replace("_", " ")


def zone_label(name: str, now: dt.datetime | None = None) -> str:
    """ "Europe/Berlin · 13:00 (UTC+01:00)": the zone's clock now, so a person can tell it is theirs."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(_zone(name))
    offset = local.strftime("%z")
    return f"{zone_name(name)} · {local:%H:%M} (UTC{offset[:3]}:{offset[3:]})"


def zone_choices(now: dt.datetime | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    minute = (now or dt.datetime.now(dt.UTC)).replace(second=0, microsecond=0)
    return _choices_at(minute)


@functools.lru_cache(maxsize=2)
def _choices_at(now: dt.datetime) -> list[tuple[str, list[tuple[str, str]]]]:
    """The labels only change once a minute: every page in that minute shares them."""
    common = [name for name in COMMON if is_known_zone(name)]
    others = [name for name in listed_zones() if name not in common]
    return [
        ("Common time zones", [(name, zone_label(name, now)) for name in common]),
        ("All time zones", [(name, zone_label(name, now)) for name in others]),
    ]


class ZoneSelect(forms.Select):
    """A select of ``zone_choices`` that keeps a stored older name (``US/Eastern``) as an option of
    its own instead of losing it; ``picker.js`` adds a search box above it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"data-zone-select": "", **(attrs or {})})

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        groups = super().optgroups(name, value, attrs)
        current = value[0] if value else ""
        if current and current not in listed_zones() and is_known_zone(current):
            label = f"{zone_label(current)}, an older name (kept)"
            option = self.create_option(name, current, label, True, 0, attrs=attrs)
            groups.insert(0, ("Your current setting", [option], 0))
        return groups

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The same markup as Django's select template, written directly: some 850 options through
        # an included template per option cost tens of milliseconds a page.
        context = self.get_context(name, value, attrs)["widget"]
        groups = []
        for label, options, _ in context["optgroups"]:
            rows = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], mark_safe(" selected") if o["selected"] else "", o["label"]) for o in options),
            )
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', label, rows) if label else rows)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(context["attrs"]), mark_safe("".join(groups))
        )


class ZoneField(forms.ChoiceField):
    """Offers ``listed_zones``, common ones first; accepts every name the tz database knows."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", ZoneSelect())
        super().__init__(choices=zone_choices, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return is_known_zone(str(value))

    def validate(self, value: Any) -> None:
        if value and not is_known_zone(value):
            raise forms.ValidationError(
                f"Unknown time zone {value!r}; pick one from the list.", code="invalid_choice"
            )
        super().validate(value)
