"""When check-ins are due: the cadence people type, and the due times it gives.

Pure: no database, no Slack, no wall clock. Every function takes the instants it works
on, so the scheduler, the list command and the tests agree on what "due" means.

A schedule fires at a local time on some days of the week in its own time zone, so
9:30 in London stays 9:30 in London across the clock changes. APScheduler's
``CronTrigger`` computes the candidate times (it knows the time-zone rules); this module
then drops what a cron expression cannot say: every other week counted from the
schedule's anchor, a pause window, holidays, and the second 1:30 of a night when the
clocks go back (one check-in per local day, never two).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from apscheduler.triggers.cron import CronTrigger

from bot.playbook.errors import PlaybookError
from storage.models import Audience

#: Cron names of the days of the week, Monday first (``date.weekday()`` order).
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
DEFAULT_HOUR, DEFAULT_MINUTE = 9, 30
MAX_INTERVAL_WEEKS = 4
MAX_HOLIDAYS = 100
#: Most due times one walk returns, so a long outage is caught up in bounded steps.
MAX_WALK = 500
#: How far ``next_due`` looks ahead before saying "not in the next two years".
LOOKAHEAD = timedelta(days=2 * 366)

USAGE = (
    "Say when, for example:\n"
    "• `/grievance checkin every weekday at 9:30`\n"
    "• `/grievance checkin every monday,thursday at 16:00`\n"
    "• `/grievance checkin every 2 weeks on friday at 11:00`\n"
    "You can add `for client side` or `for team side`, and a time zone such as "
    "`in Europe/London` (otherwise yours is used). `/grievance checkin` alone opens a form."
)

_DAY_WORDS: dict[str, tuple[int, ...]] = {
    "weekday": WEEKDAYS,
    "weekdays": WEEKDAYS,
    "workday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekend": (5, 6),
    "weekends": (5, 6),
    "day": EVERY_DAY,
    "days": EVERY_DAY,
    "daily": EVERY_DAY,
}
for _number, _name in enumerate(DAY_NAMES):
    _lower = _name.lower()
    for _word in {_lower, _lower + "s", _lower[:3], _lower[:3] + "s"}:
        _DAY_WORDS[_word] = (_number,)
_DAY_WORDS.update({"tues": (1,), "weds": (2,), "thur": (3,), "thurs": (3,)})
_JOINERS = frozenset({",", "and", "&", "/", "+", "or"})
_AUDIENCES = {
    "everyone": Audience.EVERYONE,
    "all": Audience.EVERYONE,
    "everybody": Audience.EVERYONE,
    "client": Audience.CLIENT,
    "clients": Audience.CLIENT,
    "team": Audience.TEAM,
}
_TOKEN = re.compile(
    r"[0-9]{1,2}[:.h][0-9]{2}"  # 9:30, 9.30, 16h00
    r"|[0-9]+"
    r"|[a-z][a-z0-9_+\-]*(?:/[a-z0-9_+\-]+)+"  # a time zone: america/new_york
    r"|[a-z]+"
    r"|\S",
    re.IGNORECASE | re.ASCII,
)
#: "9am", "4 p.m." → " am" / " pm", so the meridiem is a word of its own.
_MERIDIEM = re.compile(r"(?<=[0-9\s])([ap])\.?\s?m\.?(?![a-z])", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CadenceError(PlaybookError):
    """Text that does not say when; the message says what was not understood, with examples."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"{problem}\n{USAGE}")
        self.problem = problem


@dataclass(frozen=True)
class Cadence:
    """When a schedule fires: days of the week, every ``interval_weeks`` weeks, at a time."""

    days: tuple[int, ...]
    interval_weeks: int = 1
    hour: int = DEFAULT_HOUR
    minute: int = DEFAULT_MINUTE
    #: A time zone named in the text (``in Europe/London``); None: the creator's.
    timezone: str | None = None
    #: An audience named in the text (``for client side``); None: everyone.
    audience: Audience | None = None

    @property
    def cron_days(self) -> str:
        """The days as cron names: ``mon-fri`` or ``mon,thu``."""
        return cron_days(self.days)

    @property
    def time_of_day(self) -> str:
        """``HH:MM``, as stored."""
        return f"{self.hour:02d}:{self.minute:02d}"


# ---- time zones, days, times, dates ------------------------------------------------------


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


# ---- the text parser ---------------------------------------------------------------------


class _Tokens:
    """A cursor over the words of a cadence."""

    def __init__(self, text: str) -> None:
        self.items = _TOKEN.findall(_MERIDIEM.sub(r" \1m", text))
        self.position = 0

    def peek(self, ahead: int = 0) -> str:
        index = self.position + ahead
        return self.items[index].lower() if index < len(self.items) else ""

    def raw(self) -> str:
        return self.items[self.position] if self.position < len(self.items) else ""

    def take(self) -> str:
        word = self.raw()
        self.position += 1
        return word

    @property
    def done(self) -> bool:
        return self.position >= len(self.items)


def _interval(tokens: _Tokens) -> int:
    """``2 weeks``, ``other week``, ``fortnight``, ``week`` (each optionally followed by ``on``)."""
    interval = 1
    if _NUMBER.fullmatch(tokens.peek()) and tokens.peek(1) in {"week", "weeks"}:
        number = tokens.take()
        tokens.take()
        interval = int(number) if len(number) <= 2 else 0
        if not 1 <= interval <= MAX_INTERVAL_WEEKS:
            raise CadenceError(
                f"Check-ins repeat every 1 to {MAX_INTERVAL_WEEKS} weeks, not every {number[:6]}."
            )
    elif tokens.peek() == "other" and tokens.peek(1) in {"week", "weeks"}:
        interval = 2
        tokens.position += 2
    elif tokens.peek() == "fortnight":
        interval = 2
        tokens.position += 1
    elif tokens.peek() in {"week", "weeks"}:
        tokens.position += 1
    if tokens.peek() == "on":
        tokens.position += 1
        if tokens.peek() == "every" and tokens.peek(1) in _DAY_WORDS:
            tokens.position += 1  # "every 2 weeks on every day", as ``describe`` says it
    return interval


def _days(tokens: _Tokens) -> set[int]:
    """Day words joined by commas, "and", "&" or "/"."""
    days: set[int] = set()
    while not tokens.done:
        word = tokens.peek()
        if word in _DAY_WORDS:
            days.update(_DAY_WORDS[word])
        elif word not in _JOINERS or not days:
            break
        tokens.position += 1
    return days


def _clock(tokens: _Tokens) -> tuple[int, int]:
    first = tokens.take()
    if tokens.peek() in {"am", "pm", "h"}:
        first += " " + tokens.take()
    parsed = parse_time(first.replace(" h", "h"))
    if parsed is None:
        raise CadenceError(f"“{first[:20]}” is not a time; write it like 9:30 or 16:00.")
    return parsed


def _audience(tokens: _Tokens) -> Audience:
    if tokens.peek() == "the":
        tokens.position += 1
    word = tokens.take().lower()
    if word not in _AUDIENCES:
        raise CadenceError(
            f"“for {word[:20]}”: say `for everyone`, `for client side` or `for team side`."
        )
    if tokens.peek() == "side":
        tokens.position += 1
    return _AUDIENCES[word]


def parse_cadence(text: str) -> Cadence:
    """Read ``every weekday at 9:30`` and the like; ``CadenceError`` explains what is wrong.

    Accepted: ``every`` then an optional ``2 weeks`` / ``other week`` / ``week`` and ``on``,
    days (``weekday``, ``day``, ``monday,thursday``, ``mon and thu``), then in any order
    ``at <time>``, ``in <time zone>``, ``for client|team|everyone [side]``. The time is
    9:30 when none is given.
    """
    tokens = _Tokens(text[:500].strip().rstrip(".!"))
    if tokens.peek() == "every":
        tokens.position += 1
    elif tokens.peek() not in _DAY_WORDS:
        raise CadenceError("Start with `every`, as in `every weekday at 9:30`.")
    interval = _interval(tokens)
    days = _days(tokens)
    if not days:
        shown = f"“{tokens.raw()[:20]}”" if not tokens.done else "nothing"
        raise CadenceError(f"I expected the days of the week, but found {shown}.")
    hour, minute, timezone, audience = DEFAULT_HOUR, DEFAULT_MINUTE, None, None
    seen: set[str] = set()
    while not tokens.done:
        word = tokens.peek()
        if word in seen:
            raise CadenceError(f"“{word}” is said twice.")
        if word in {"at", "in", "for"} and not tokens.peek(1):
            raise CadenceError(f"Say what comes after “{word}”.")
        starts_time = bool(_NUMBER.match(word)) or word in {"noon", "midnight"}
        if word == "at" or (starts_time and "at" not in seen):
            if word == "at":
                tokens.position += 1
            hour, minute = _clock(tokens)
            seen.add("at")
        elif word == "in":
            tokens.position += 1
            name = tokens.take()
            timezone = canonical_zone(name)
            if timezone is None:
                raise CadenceError(
                    f"“{name[:40]}” is not a time zone I know; use a name like Europe/London."
                )
            seen.add("in")
        elif word == "for":
            tokens.position += 1
            audience = _audience(tokens)
            seen.add("for")
        else:
            raise CadenceError(f"I didn't understand “{tokens.raw()[:30]}”.")
    return Cadence(
        days=tuple(sorted(days)),
        interval_weeks=interval,
        hour=hour,
        minute=minute,
        timezone=timezone,
        audience=audience,
    )


# ---- due times ---------------------------------------------------------------------------


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


# ---- words -------------------------------------------------------------------------------


def _join(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe_days(days: Iterable[int]) -> str:
    """``weekday``, ``day``, ``Monday and Thursday``."""
    ordered = tuple(sorted(set(days)))
    if ordered == WEEKDAYS:
        return "weekday"
    if ordered == EVERY_DAY:
        return "day"
    return _join([DAY_NAMES[d] for d in ordered])


def describe(days: str, interval_weeks: int, time_of_day: str, timezone: str | None = None) -> str:
    """``every weekday at 09:30 (Europe/London)``, ``every 2 weeks on Friday at 11:00``."""
    day_words = describe_days(days_of(days))
    if interval_weeks > 1:
        on = (
            "weekdays"
            if day_words == "weekday"
            else "every day"
            if day_words == "day"
            else day_words
        )
        text = f"every {interval_weeks} weeks on {on} at {time_of_day}"
    else:
        text = f"every {day_words} at {time_of_day}"
    return f"{text} ({timezone})" if timezone else text
