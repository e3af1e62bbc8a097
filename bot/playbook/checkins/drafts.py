"""The schedule form, validated: what a lead typed, or ``/grievance checkin every …``.

A draft is checked here, every problem reported at once and per field (the modal shows
each under its input), before ``bot.playbook.checkins.manage`` stores anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.ids import choice_of
from bot.playbook.checkins.questions import MAX_QUESTION, MAX_QUESTIONS, RATING, TEXT, Question
from bot.playbook.errors import PlaybookError
from bot.playbook.schedules import (
    WEEKDAYS,
    Cadence,
    canonical_zone,
    cron_days,
    days_of,
    describe,
    parse_holidays,
    parse_time,
)
from storage.models import Audience

AUDIENCE_LABELS = {
    Audience.EVERYONE: "everyone",
    Audience.CLIENT: "the client side",
    Audience.TEAM: "the team side",
}
#: Modal cadence choices → (fixed days or None for "choose days", interval in weeks).
CADENCES: dict[str, tuple[tuple[int, ...] | None, int]] = {
    "weekday": (WEEKDAYS, 1),
    "weekly": (None, 1),
    "biweekly": (None, 2),
}
#: Draft field names; the modal's block ids carry the same words.
CADENCE, DAYS, TIME, TIMEZONE, AUDIENCE = "cadence", "days", "time", "timezone", "audience"
RATING_QUESTIONS, OPEN_QUESTIONS, HOLIDAYS = "rating_questions", "open_questions", "holidays"


class ScheduleDraftError(PlaybookError):
    """A draft failed validation; ``fields`` maps a draft field to advice for the form."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class ScheduleDraft:
    """A validated schedule, ready to store."""

    days: tuple[int, ...]
    time_of_day: str
    timezone: str
    interval_weeks: int = 1
    audience: Audience = Audience.EVERYONE
    questions: list[Question] = field(default_factory=list)
    #: None: leave the stored holidays as they are.
    holidays: list[date] | None = None
    open_tally: bool = False

    @property
    def cadence(self) -> str:
        """``every weekday at 09:30 (Europe/London)``."""
        return describe(cron_days(self.days), self.interval_weeks, self.time_of_day, self.timezone)


def _lines(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def parse_questions(rating: str | None, open_: str | None) -> list[Question]:
    """Rating questions then open ones, one per line; ``ScheduleDraftError`` when wrong."""
    ratings, opens = _lines(rating), _lines(open_)
    if not ratings and not opens:
        raise ScheduleDraftError({RATING_QUESTIONS: "Ask at least one question."})
    if len(ratings) + len(opens) > MAX_QUESTIONS:
        where = RATING_QUESTIONS if ratings else OPEN_QUESTIONS
        raise ScheduleDraftError({where: f"Keep it to {MAX_QUESTIONS} questions in all."})
    for where, lines in ((RATING_QUESTIONS, ratings), (OPEN_QUESTIONS, opens)):
        if any(len(line) > MAX_QUESTION for line in lines):
            raise ScheduleDraftError(
                {where: f"Keep each question under {MAX_QUESTION} characters."}
            )
    return [Question(RATING, q) for q in ratings] + [Question(TEXT, q) for q in opens]


def parse_draft(
    *,
    cadence: str | None,
    days: Sequence[str] | None,
    time: str | None,
    timezone: str | None,
    audience: str | None,
    rating_questions: str | None,
    open_questions: str | None,
    holidays: str | None,
    open_tally: bool = False,
) -> ScheduleDraft:
    """Validate the schedule form; every problem is reported at once, per field."""
    problems: dict[str, str] = {}
    fixed, interval = CADENCES.get(cadence or "", (None, 0))
    chosen = tuple(sorted(days_of(",".join(days or []))))
    if not interval:
        problems[CADENCE] = "Choose how often."
    elif fixed is None and not chosen:
        problems[DAYS] = "Choose the days of the week."
    parsed_time = parse_time(time or "")
    if parsed_time is None:
        problems[TIME] = "Choose the time."
    zone_name = canonical_zone(timezone)
    if zone_name is None:
        problems[TIMEZONE] = "Not a time zone I know; use a name like Europe/London or UTC."
    chosen_audience = choice_of(Audience, audience or Audience.EVERYONE.value)
    if chosen_audience is None:  # never one of the modal's options: refused, not guessed
        problems[AUDIENCE] = "Choose who is asked: " + ", ".join(AUDIENCE_LABELS.values()) + "."
    questions: list[Question] = []
    try:
        questions = parse_questions(rating_questions, open_questions)
    except ScheduleDraftError as exc:
        problems.update(exc.fields)
    try:
        off = parse_holidays(holidays)
    except ValueError as exc:
        problems[HOLIDAYS] = str(exc)
    if problems:
        raise ScheduleDraftError(problems)
    hour, minute = parsed_time or (0, 0)
    return ScheduleDraft(
        days=fixed or chosen,
        time_of_day=f"{hour:02d}:{minute:02d}",
        timezone=zone_name or "UTC",
        interval_weeks=interval,
        audience=chosen_audience,
        questions=questions,
        holidays=off,
        open_tally=open_tally,
    )


def draft_from_cadence(
    cadence: Cadence, *, timezone: str, questions: list[Question]
) -> ScheduleDraft:
    """A draft from ``/grievance checkin every …`` with the case's default questions."""
    return ScheduleDraft(
        days=cadence.days,
        time_of_day=cadence.time_of_day,
        timezone=cadence.timezone or canonical_zone(timezone) or "UTC",
        interval_weeks=cadence.interval_weeks,
        audience=cadence.audience or Audience.EVERYONE,
        questions=questions,
    )
