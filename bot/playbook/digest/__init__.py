"""The weekly digest: when it is due, and what it says about the week and the case so far.

A recovering client wants to see movement, every week, in one place: grievances raised and
resolved, whether people answer the check-ins, how confidence moves per success measure,
where the strategy and its buy-in stand, the health score, and when the next check-in is.

Scheduling is pure arithmetic on the case's weekday, local time and time zone, so every
process computes the same due instant; the job claims each ``(case, due_at)`` as a
``DigestRun`` row (unique) before posting, so a digest goes out once however many
instances tick. Counts leave confidential grievances out: the digest is posted in the
channel.

The package: the schedule and its due instants (``schedule``), the weekly job's claims
(``runs``), and what the digest says (``contents``).
"""

from bot.playbook.digest.contents import (
    AUDIENCE_SIDES,
    TREND_WEEKS,
    DigestData,
    GrievanceCounts,
    MeasureTrend,
    ResponseRate,
    StrategyLine,
    gather,
    grievance_counts,
    health_series,
    next_checkin,
    of_side,
    overall_weekly,
    response_rates,
    strategy_line,
    week_start,
    weekly_averages,
)
from bot.playbook.digest.runs import (
    GRACE,
    claim_run,
    due_digests,
    finish_run,
    next_due_at,
    note_posted,
)
from bot.playbook.digest.schedule import (
    DAY_NAMES,
    USAGE,
    WEEK,
    DigestSchedule,
    as_utc,
    due_at_or_before,
    next_due_after,
    parse_schedule,
    require_poster,
    schedule_of,
    set_schedule,
    zone_or_none,
)

__all__ = [
    "AUDIENCE_SIDES",
    "DAY_NAMES",
    "GRACE",
    "TREND_WEEKS",
    "USAGE",
    "WEEK",
    "DigestData",
    "DigestSchedule",
    "GrievanceCounts",
    "MeasureTrend",
    "ResponseRate",
    "StrategyLine",
    "as_utc",
    "claim_run",
    "due_at_or_before",
    "due_digests",
    "finish_run",
    "gather",
    "grievance_counts",
    "health_series",
    "next_checkin",
    "next_due_after",
    "next_due_at",
    "note_posted",
    "of_side",
    "overall_weekly",
    "parse_schedule",
    "require_poster",
    "response_rates",
    "schedule_of",
    "set_schedule",
    "strategy_line",
    "week_start",
    "weekly_averages",
    "zone_or_none",
]
