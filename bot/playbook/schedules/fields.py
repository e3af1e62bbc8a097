"""The parts of a schedule: time zones, days of the week, times of day, holiday dates.

Each read from what people type and from what is stored, and written back as stored
(cron day names, ``HH:MM``, comma-separated ISO dates); the cadence parser, the due-time
walk and the words all build on these.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

#: Cron names of the days of the week, Monday first (``date.weekday()`` order).
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
DEFAULT_HOUR, DEFAULT_MINUTE = 9, 30
MAX_HOLIDAYS = 100
#: "9am", "4 p.m." → " am" / " pm", so the meridiem is a word of its own.
_MERIDIEM = re.compile(r"(?<=[0-9\s])([ap])\.?\s?m\.?(?![a-z])", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def canonical_zone(name: str | None) -> str | None:
    """The IANA name of ``name`` matched regardless of case, or None if there is no such zone."""
    cleaned = (name or "").strip()
    if not cleaned or len(cleaned) > 64:
        return None
    found = _zones_by_lower_name().get(cleaned.lower())
    if found is None and cleaned.lower() in {"utc", "gmt", "z"}:
        found = "UTC"
    return found


def zone(name: str) -> ZoneInfo:
    """The zone for a stored name; an unknown one (a tzdata change) falls back to UTC."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def cron_days(days: Iterable[int]) -> str:
    """Days of the week (0 = Monday) as cron names, a run of two or more written as a range."""
    ordered = sorted(set(days))
    if not ordered:
        raise ValueError("a schedule needs at least one day")
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_CODES[ordered[0]]}-{DAY_CODES[ordered[-1]]}"
    return ",".join(DAY_CODES[d] for d in ordered)


def days_of(cron: str) -> tuple[int, ...]:
    """The days (0 = Monday) of a stored cron day list such as ``mon-fri`` or ``mon,thu``."""
    days: set[int] = set()
    for part in cron.lower().split(","):
        start, _, end = part.strip().partition("-")
        if start not in DAY_CODES or (end and end not in DAY_CODES):
            continue
        first = DAY_CODES.index(start)
        last = DAY_CODES.index(end) if end else first
        days.update(
            range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        )
    return tuple(sorted(days))


def parse_time(text: str) -> tuple[int, int] | None:
    """``9:30``, ``09:30``, ``9.30``, ``16h00``, ``9am``, ``4:15 pm``, ``noon`` → (hour, minute)."""
    cleaned = _MERIDIEM.sub(r" \1m", text.strip().lower()).split()
    if cleaned in (["noon"], ["midday"]):
        return 12, 0
    if cleaned == ["midnight"]:
        return 0, 0
    if not cleaned or len(cleaned) > 2:
        return None
    match = re.fullmatch(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?h?", cleaned[0])
    meridiem = cleaned[1] if len(cleaned) == 2 else None
    if match is None or meridiem not in (None, "am", "pm"):
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def parse_date(text: str) -> date | None:
    """An ISO date ``YYYY-MM-DD``, or None."""
    cleaned = text.strip()
    if not _ISO_DATE.fullmatch(cleaned):
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


def parse_holidays(text: str | None) -> list[date]:
    """ISO dates separated by commas, spaces or lines; ``CadenceError``-free ``ValueError``."""
    found: set[date] = set()
    for part in re.split(r"[\s,;]+", text or ""):
        if not part:
            continue
        day = parse_date(part)
        if day is None:
            raise ValueError(f"“{part[:40]}” is not a date; write dates as YYYY-MM-DD")
        found.add(day)
    if len(found) > MAX_HOLIDAYS:
        raise ValueError(f"That's {len(found)} dates; keep it to {MAX_HOLIDAYS}.")
    return sorted(found)


def format_holidays(days: Iterable[date]) -> str:
    """Dates as stored: comma-separated ISO, in order."""
    return ",".join(d.isoformat() for d in sorted(set(days)))


def stored_holidays(text: str | None) -> frozenset[date]:
    """The holidays of a stored schedule; anything unreadable is ignored, not fatal."""
    days = (parse_date(part) for part in (text or "").split(","))
    return frozenset(d for d in days if d is not None)
