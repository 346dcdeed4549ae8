"""Weekly hours and date overrides, entered as wall-clock times in the member's own time zone."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.models import DateOverride, Weekday


@dataclass
class Window:
    """One row of the weekly form, as typed (so a refused form comes back as it was entered)."""

    start: str = ""
    end: str = ""
    error: str = ""

    def times(self) -> tuple[dt.time, dt.time]:
        return dt.time.fromisoformat(self.start), dt.time.fromisoformat(self.end)


def week_from_rules(member: Member) -> dict[int, list[Window]]:
    week: dict[int, list[Window]] = {day: [] for day in Weekday.values}
    for rule in member.availability.order_by("weekday", "start_time"):
        week[rule.weekday].append(Window(f"{rule.start_time:%H:%M}", f"{rule.end_time:%H:%M}"))
    return week


def parse_time(raw: str) -> dt.time | None:
    try:
        value = dt.time.fromisoformat(raw.strip())
    except ValueError:
        return None
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _check_row(window: Window) -> tuple[dt.time, dt.time] | None:
    if not window.start and not window.end:
        return None
    if not window.start or not window.end:
        window.error = "Enter both a start and an end time."
        return None
    start, end = parse_time(window.start), parse_time(window.end)
    if start is None or end is None:
        window.error = "Enter times like 09:00 or 17:30."
        return None
    if end <= start:
        window.error = "The end must be after the start."
        return None
    return start, end


def parse_week(data: QueryDict) -> tuple[dict[int, list[Window]], list[tuple[int, dt.time, dt.time]], bool]:
    """The rows as entered, the valid windows, and whether every row is valid (nothing overlaps)."""
    week: dict[int, list[Window]] = {}
    rules: list[tuple[int, dt.time, dt.time]] = []
    ok = True
    for day in Weekday.values:
        starts, ends = data.getlist(f"day{day}-start"), data.getlist(f"day{day}-end")
        rows = [Window(s.strip(), e.strip()) for s, e in zip(starts, ends, strict=False)]
        checked = [(row, _check_row(row)) for row in rows]
        valid = sorted(((times, row) for row, times in checked if times), key=lambda item: item[0])
        latest: tuple[dt.time, dt.time] | None = None  # the window reaching furthest so far
        for current, row in valid:
            if latest and current[0] < latest[1]:
                row.error = f"Overlaps with {latest[0]:%H:%M}\N{EN DASH}{latest[1]:%H:%M} on the same day."
            if latest is None or current[1] > latest[1]:
                latest = current
        ok = ok and not any(row.error for row in rows)
        week[day] = [row for row in rows if row.start or row.end or row.error]
        rules += [(day, start, end) for (start, end), _row in valid]
    return week, rules, ok


class OverrideForm(forms.Form):
    DAY_OFF = "day_off"
    HOURS = "hours"

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(
        choices=[(DAY_OFF, "Unavailable all day"), (HOURS, "Special hours")],
        initial=DAY_OFF,
        widget=forms.RadioSelect,
        label="On that date",
    )
    start_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="From")
    end_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="To")

    def __init__(self, *args, member: Member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        today = dt.datetime.now(zoneinfo.ZoneInfo(self.member.timezone)).date()
        if date < today:
            raise forms.ValidationError("That date has passed; pick today or a later date.")
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == self.HOURS:
            start, end = data.get("start_time"), data.get("end_time")
            if start is None or end is None:
                if not self.has_error("start_time") and not self.has_error("end_time"):
                    self.add_error("start_time", "Enter both a start and an end time for the special hours.")
            elif end <= start:
                self.add_error("end_time", "The end must be after the start.")
        else:
            data["start_time"] = data["end_time"] = None
        return data

    def check_existing(self, existing: list[DateOverride]) -> None:
        """Refuse a clash with the overrides already saved on that date (call under a lock)."""
        data = self.cleaned_data
        date = data["date"]
        if any(o.start_time is None for o in existing):
            self.add_error("date", f"{date:%A %d %B %Y} is already a day off. Remove it first to set hours.")
        elif existing and data["start_time"] is None:
            self.add_error("date", f"{date:%A %d %B %Y} already has special hours. Remove them first.")
        else:
            for other in existing:
                if data["start_time"] < other.end_time and data["end_time"] > other.start_time:
                    self.add_error(
                        "start_time",
                        f"Overlaps with {other.start_time:%H:%M}\N{EN DASH}{other.end_time:%H:%M} on that date.",
                    )
                    break
