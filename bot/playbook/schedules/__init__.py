"""When check-ins are due: the cadence people type, and the due times it gives.

Pure: no database, no Slack, no wall clock. Every function takes the instants it works
on, so the scheduler, the list command and the tests agree on what "due" means.

A schedule fires at a local time on some days of the week in its own time zone, so
9:30 in London stays 9:30 in London across the clock changes. APScheduler's
``CronTrigger`` computes the candidate times (it knows the time-zone rules); ``due``
then drops what a cron expression cannot say: every other week counted from the
schedule's anchor, a pause window, holidays, and the second 1:30 of a night when the
clocks go back (one check-in per local day, never two).

The package: the parts of a schedule (``fields``), the text people type (``cadence``), the
due instants (``due``), and the schedule in words (``wording``).
"""

from bot.playbook.schedules.cadence import (
    MAX_INTERVAL_WEEKS,
    USAGE,
    Cadence,
    CadenceError,
    parse_cadence,
)
from bot.playbook.schedules.due import (
    LOOKAHEAD,
    MAX_WALK,
    Rule,
    as_utc,
    due_times,
    local_date,
    next_due,
)
from bot.playbook.schedules.fields import (
    DAY_CODES,
    DAY_NAMES,
    DEFAULT_HOUR,
    DEFAULT_MINUTE,
    EVERY_DAY,
    MAX_HOLIDAYS,
    WEEKDAYS,
    canonical_zone,
    cron_days,
    days_of,
    format_holidays,
    parse_date,
    parse_holidays,
    parse_time,
    stored_holidays,
    zone,
)
from bot.playbook.schedules.wording import describe, describe_days

__all__ = [
    "DAY_CODES",
    "DAY_NAMES",
    "DEFAULT_HOUR",
    "DEFAULT_MINUTE",
    "EVERY_DAY",
    "LOOKAHEAD",
    "MAX_HOLIDAYS",
    "MAX_INTERVAL_WEEKS",
    "MAX_WALK",
    "USAGE",
    "WEEKDAYS",
    "Cadence",
    "CadenceError",
    "Rule",
    "as_utc",
    "canonical_zone",
    "cron_days",
    "days_of",
    "describe",
    "describe_days",
    "due_times",
    "format_holidays",
    "local_date",
    "next_due",
    "parse_cadence",
    "parse_date",
    "parse_holidays",
    "parse_time",
    "stored_holidays",
    "zone",
]
