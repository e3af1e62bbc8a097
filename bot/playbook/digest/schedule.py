"""When a case's weekly digest is due: the schedule a lead types, and its due instants.

Pure arithmetic on the case's weekday, local time and time zone, so every process computes
the same due instant; plus the two permissions around it (moving it, posting on demand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.errors import PlaybookError
from bot.playbook.schedules import canonical_zone
from bot.playbook.timeline import Kind, record
from storage.models import Case, Person

WEEK = timedelta(days=7)

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS = {name: n for n, name in enumerate(DAY_NAMES)} | {
    name[:3]: n for n, name in enumerate(DAY_NAMES)
}
_DAYS |= {"tues": 1, "thur": 3, "thurs": 3}
_SCHEDULE = re.compile(
    r"every\s+(?P<day>[a-z]+?)s?\.?(?:\s+at)?\s+(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?"
    r"\s*(?P<ampm>am|pm)?(?:\s+(?P<tz>[A-Za-z][\w/+-]*))?",
    re.IGNORECASE,
)
USAGE = (
    "Say when the weekly digest should come, e.g. "
    "`/grievance digest every friday at 16:00 Europe/Berlin` (the time zone is optional: "
    "without it, yours is used)."
)


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class DigestSchedule:
    """When a case's digest is due: a weekday (0 = Monday), a local "HH:MM", a time zone."""

    weekday: int
    time_of_day: str
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def local_time(self) -> time:
        """The local time of day it is due."""
        hour, minute = self.time_of_day.split(":")
        return time(int(hour), int(minute))

    def describe(self) -> str:
        """``Fridays at 16:00 (Europe/Berlin)``."""
        return f"{DAY_NAMES[self.weekday].capitalize()}s at {self.time_of_day} ({self.timezone})"


def zone_or_none(name: str | None) -> str | None:
    """The IANA name of ``name`` (any case: "europe/berlin" works), or None if unknown."""
    return canonical_zone(name)


def parse_schedule(text: str, *, default_timezone: str) -> DigestSchedule:
    """Read ``every friday at 16:00 Europe/Berlin`` (also ``every fri 4pm``)."""
    match = _SCHEDULE.fullmatch(" ".join(text.split()))
    if match is None:
        raise PlaybookError(USAGE)
    day = _DAYS.get(match["day"].lower())
    if day is None:
        raise PlaybookError(f"“{match['day']}” is not a day of the week. {USAGE}")
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise PlaybookError(f"{hour}{match['ampm']} is not a time. {USAGE}")
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        raise PlaybookError(f"{match['hour']}:{match['minute'] or '00'} is not a time. {USAGE}")
    typed = match["tz"] or default_timezone
    zone = zone_or_none(typed)
    if zone is None:
        raise PlaybookError(
            f"I don't know the time zone “{typed}”; use a name like Europe/Berlin or UTC."
        )
    return DigestSchedule(weekday=day, time_of_day=f"{hour:02d}:{minute:02d}", timezone=zone)


def schedule_of(case: Case) -> DigestSchedule:
    """The case's digest schedule (Friday 16:00 UTC unless a lead changed it)."""
    zone = zone_or_none(case.digest_timezone) or "UTC"
    return DigestSchedule(case.digest_weekday % 7, case.digest_time, zone)


def due_at_or_before(schedule: DigestSchedule, moment: datetime) -> datetime:
    """The latest due instant not after ``moment``, in UTC.

    Computed on the local calendar, so "Friday 16:00 Europe/Berlin" stays 16:00 in
    Berlin across daylight-saving changes.
    """
    zone = schedule.zone
    local = as_utc(moment).astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - schedule.weekday) % 7)
    due = datetime.combine(day, schedule.local_time, tzinfo=zone)
    if due > local:
        due = datetime.combine(day - WEEK, schedule.local_time, tzinfo=zone)
    return due.astimezone(UTC)


def next_due_after(schedule: DigestSchedule, moment: datetime) -> datetime:
    """The first due instant after ``moment``, in UTC."""
    last = due_at_or_before(schedule, moment).astimezone(schedule.zone)
    following = datetime.combine(last.date() + WEEK, schedule.local_time, tzinfo=schedule.zone)
    return following.astimezone(UTC)


def set_schedule(*, session: Session, case: Case, actor: Person, schedule: DigestSchedule) -> bool:
    """A lead moves the weekly digest; False when it already was ``schedule``."""
    require(session=session, case=case, person=actor, action=Action.SCHEDULE_DIGEST)
    if schedule == schedule_of(case):
        return False
    case.digest_weekday = schedule.weekday
    case.digest_time = schedule.time_of_day
    case.digest_timezone = schedule.timezone
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.DIGEST_SCHEDULED,
        author=actor,
        text=f"Weekly digest: {schedule.describe()}",
    )
    return True


def require_poster(*, session: Session, case: Case, person: Person) -> Person:
    """Leads and team members post the digest on demand; it comes to everyone weekly."""
    when = schedule_of(case).describe()
    return require(
        session=session,
        case=case,
        person=person,
        action=Action.POST_DIGEST,
        hint=f"It comes to this channel every week anyway, on {when}.",
    )
