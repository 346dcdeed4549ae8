"""Small CSV files written in the tests themselves."""

import datetime as dt
import zoneinfo

from django.utils import timezone

from sessiondesk.transfer.csvfile import Table, read


def csv_bytes(*lines: str, sep: str = ",", bom: bool = False) -> bytes:
    text = "\n".join(line.replace("|", sep) for line in lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def table(*lines: str, sep: str = ",") -> Table:
    return read(csv_bytes(*lines, sep=sep))


def next_weekday(weekday: int, hour: int, tz_name: str, weeks: int = 1) -> dt.datetime:
    """A wall-clock hour on a weekday ``weeks`` weeks ahead, in ``tz_name`` (aware)."""
    tz = zoneinfo.ZoneInfo(tz_name)
    today = timezone.localtime(timezone=tz).date()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def local(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
