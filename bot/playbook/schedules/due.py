"""When a stored schedule is due: the instants it fires at, after the cron trigger's candidates.

APScheduler's ``CronTrigger`` computes the candidate times (it knows the time-zone rules);
this module then drops what a cron expression cannot say: every other week counted from
the schedule's anchor, a pause window, holidays, and the second 1:30 of a night when the
clocks go back (one check-in per local day, never two).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.playbook.schedules.fields import (
    DEFAULT_HOUR,
    DEFAULT_MINUTE,
    WEEKDAYS,
    cron_days,
    days_of,
    parse_time,
    zone,
)

#: Most due times one walk returns, so a long outage is caught up in bounded steps.
MAX_WALK = 500
#: How far ``next_due`` looks ahead before saying "not in the next two years".
LOOKAHEAD = timedelta(days=2 * 366)


@dataclass(frozen=True)
class Rule:
    """A stored schedule's timing, as plain values."""

    days: str
    time_of_day: str
    timezone: str
    anchor: date
    interval_weeks: int = 1
    pause_from: date | None = None
    pause_until: date | None = None
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's own time zone."""
        return zone(self.timezone)

    def trigger(self) -> CronTrigger:
        """The cron trigger firing at the local time on the schedule's days."""
        hour, minute = parse_time(self.time_of_day) or (DEFAULT_HOUR, DEFAULT_MINUTE)
        return CronTrigger(
            day_of_week=cron_days(days_of(self.days) or WEEKDAYS),
            hour=hour,
            minute=minute,
            timezone=self.zone,
        )

    def in_pause(self, day: date) -> bool:
        """True when ``day`` falls in the pause window (both ends included)."""
        if self.pause_from is None and self.pause_until is None:
            return False
        starts = self.pause_from or date.min
        ends = self.pause_until or date.max
        return starts <= day <= ends

    def on_week(self, day: date) -> bool:
        """True on the weeks the schedule runs: every ``interval_weeks`` from the anchor's week."""
        if self.interval_weeks <= 1:
            return True
        anchor_monday = self.anchor - timedelta(days=self.anchor.weekday())
        return ((day - anchor_monday).days // 7) % self.interval_weeks == 0

    def runs_on(self, day: date) -> bool:
        """True when a check-in is posted on local date ``day`` (at its time)."""
        return self.on_week(day) and not self.in_pause(day) and day not in self.holidays


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; naive ones (SQLite reads them back so) are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def due_times(
    rule: Rule, after: datetime, until: datetime, limit: int = MAX_WALK
) -> list[datetime]:
    """Due instants in ``(after, until]``, in UTC, oldest first, at most ``limit`` of them.

    At most one per local day: when the clocks go back, the cron trigger fires twice at
    a time such as 1:30; the second is not a new check-in.
    """
    start, end = as_utc(after), as_utc(until)
    if end <= start:
        return []
    trigger, local_zone = rule.trigger(), rule.zone
    found: list[datetime] = []
    last_day: date | None = None
    cursor = start
    while len(found) < limit:
        fire = trigger.get_next_fire_time(None, cursor + timedelta(microseconds=1))
        if fire is None or as_utc(fire) > end:
            break
        cursor = as_utc(fire)
        day = fire.astimezone(local_zone).date()
        if day != last_day and rule.runs_on(day):
            found.append(cursor)
        last_day = day
    return found


def next_due(rule: Rule, after: datetime) -> datetime | None:
    """The first due instant after ``after`` (UTC), or None within the next two years."""
    start = as_utc(after)
    horizon = start + LOOKAHEAD
    while start < horizon:
        step = min(start + timedelta(days=60), horizon)
        found = due_times(rule, start, step, limit=1)
        if found:
            return found[0]
        start = step
    return None


def local_date(moment: datetime, timezone: str) -> date:
    """The date it is in ``timezone`` at ``moment``."""
    return as_utc(moment).astimezone(zone(timezone)).date()
