"""Reading the cadence people type: ``every weekday at 9:30``, ``every 2 weeks on friday``.

A small tokenizer and parser that turns the text of ``/grievance checkin`` into a
``Cadence`` (days, interval, time, time zone, audience), or a ``CadenceError`` that says
what was not understood, with examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.playbook.errors import PlaybookError
from bot.playbook.schedules.fields import (
    _MERIDIEM,
    DAY_NAMES,
    DEFAULT_HOUR,
    DEFAULT_MINUTE,
    EVERY_DAY,
    WEEKDAYS,
    canonical_zone,
    cron_days,
    parse_time,
)
from storage.models import Audience

MAX_INTERVAL_WEEKS = 4

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
_NUMBER = re.compile(r"[0-9]+")


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
