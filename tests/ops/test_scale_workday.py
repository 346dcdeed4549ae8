"""The daily pages' day (``scale_data._workday``) is a working day whatever day the benchmark runs."""

import datetime as dt

import pytest

from sessiondesk.ops import scale_data


@pytest.mark.parametrize(
    ("today", "first"),
    [
        ("2026-12-03", "2026-12-04"),  # Thursday: tomorrow, a Friday
        ("2026-12-04", "2026-12-07"),  # Friday: tomorrow is a Saturday, so the Monday after
        ("2026-12-05", "2026-12-07"),  # Saturday: tomorrow is a Sunday
        ("2026-12-06", "2026-12-07"),  # Sunday: tomorrow, a Monday
    ],
)
def test_workday_is_tomorrow_or_the_monday_after(monkeypatch, today, first):
    monkeypatch.setattr(scale_data.timezone, "localdate", lambda: dt.date.fromisoformat(today))
    assert scale_data._workday() == first
    week = [dt.date.fromisoformat(scale_data._workday(days)) for days in range(8)]
    assert week[7] - week[0] == dt.timedelta(days=7)
    assert sum(day.weekday() < 5 for day in week) == 6  # the slots' span: the same working days every run
