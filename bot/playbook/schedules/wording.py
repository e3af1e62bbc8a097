"""A check-in schedule in words, as the bot says it back and the export prints it.

``every weekday at 09:30 (Europe/London)``, ``every 2 weeks on Friday at 11:00``: the
same phrasing the cadence parser reads back.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.playbook.schedules.fields import DAY_NAMES, EVERY_DAY, WEEKDAYS, days_of


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
