"""A lead's check-in schedules: create, edit, pause, resume, delete, and list them.

Schedules are numbered by their id within the case (``/grievance checkin pause 3``).
A deleted schedule with posted occurrences is kept, paused with the reason ``deleted``,
because its answers are part of the case's history; one never posted is removed.
Every change needs ``Action.MANAGE_CHECKINS`` and goes on the case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.checkins.drafts import AUDIENCE_LABELS, ScheduleDraft
from bot.playbook.checkins.questions import dump_questions, load_questions
from bot.playbook.errors import PlaybookError
from bot.playbook.schedules import (
    Rule,
    as_utc,
    cron_days,
    describe,
    format_holidays,
    local_date,
    next_due,
    stored_holidays,
)
from bot.playbook.timeline import Kind, record
from storage.models import (
    Audience,
    Case,
    CheckinOccurrence,
    CheckinSchedule,
    Notice,
    OccurrenceStatus,
    Person,
)

#: ``paused_reason`` of a deleted schedule kept for its history.
DELETED = "deleted"
#: Notice kind: the owner was told their schedule stopped (key: the schedule id).
PAUSED_NOTICE = "schedule_paused"


def rule_of(schedule: CheckinSchedule) -> Rule:
    """The schedule's timing as plain values for ``bot.playbook.schedules``."""
    return Rule(
        days=schedule.days,
        time_of_day=schedule.time_of_day,
        timezone=schedule.timezone,
        anchor=schedule.anchor,
        interval_weeks=schedule.interval_weeks,
        pause_from=schedule.pause_from,
        pause_until=schedule.pause_until,
        holidays=stored_holidays(schedule.holidays),
    )


def cadence_of(schedule: CheckinSchedule) -> str:
    """``every weekday at 09:30 (Europe/London)``."""
    return describe(schedule.days, schedule.interval_weeks, schedule.time_of_day, schedule.timezone)


def is_deleted(schedule: CheckinSchedule) -> bool:
    """True for a schedule kept only for its history."""
    return schedule.paused and schedule.paused_reason == DELETED


def create(
    *, session: Session, case: Case, actor: Person, draft: ScheduleDraft, now: datetime
) -> CheckinSchedule:
    """Store a schedule for the case channel, due from ``now`` on."""
    require(session=session, case=case, person=actor, action=Action.MANAGE_CHECKINS)
    schedule = CheckinSchedule(
        case_id=case.id,
        created_by_id=actor.id,
        channel_id=case.channel_id,
        days=cron_days(draft.days),
        interval_weeks=draft.interval_weeks,
        anchor=local_date(now, draft.timezone),
        time_of_day=draft.time_of_day,
        timezone=draft.timezone,
        audience=draft.audience,
        questions=dump_questions(draft.questions),
        open_tally=draft.open_tally,
        holidays=format_holidays(draft.holidays or []),
        checked_until=as_utc(now),
        created_at=as_utc(now),
    )
    session.add(schedule)
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.CHECKIN_SCHEDULED,
        author=actor,
        text=f"Check-in #{schedule.id} scheduled {draft.cadence} "
        f"for {AUDIENCE_LABELS[draft.audience]}",
        channel=case.channel_id,
    )
    return schedule


def find(*, session: Session, case: Case, number: int) -> CheckinSchedule:
    """The case's schedule numbered ``number``; a refusal naming the list otherwise."""
    schedule = session.get(CheckinSchedule, number)
    if schedule is None or schedule.case_id != case.id or is_deleted(schedule):
        raise PlaybookError(
            f"There's no check-in #{number} in this channel; "
            "`/grievance checkin list` shows the numbers."
        )
    return schedule


def update_schedule(
    *,
    session: Session,
    schedule: CheckinSchedule,
    actor: Person,
    draft: ScheduleDraft,
    now: datetime,
) -> None:
    """Apply an edit; every-other-week schedules whose timing changed count from today."""
    case = schedule.case
    require(session=session, case=case, person=actor, action=Action.MANAGE_CHECKINS)
    days = cron_days(draft.days)
    retimed = (days, draft.interval_weeks, draft.timezone) != (
        schedule.days,
        schedule.interval_weeks,
        schedule.timezone,
    )
    if retimed:
        schedule.anchor = local_date(now, draft.timezone)
    schedule.days = days
    schedule.interval_weeks = draft.interval_weeks
    schedule.time_of_day = draft.time_of_day
    schedule.timezone = draft.timezone
    schedule.audience = draft.audience
    schedule.questions = dump_questions(draft.questions)
    schedule.open_tally = draft.open_tally
    if draft.holidays is not None:
        schedule.holidays = format_holidays(draft.holidays)
    record(
        session=session,
        case=case,
        kind=Kind.CHECKIN_CHANGED,
        author=actor,
        text=f"Check-in #{schedule.id} now {draft.cadence} for {AUDIENCE_LABELS[draft.audience]}",
    )


def pause(
    *,
    session: Session,
    schedule: CheckinSchedule,
    actor: Person,
    until: date | None,
    now: datetime,
) -> None:
    """Pause until a lead resumes it, or skip every day up to ``until`` (included)."""
    case = schedule.case
    require(session=session, case=case, person=actor, action=Action.MANAGE_CHECKINS)
    if until is None:
        schedule.paused = True
        schedule.paused_reason = f"paused by {actor.display_name}"[:200]
        text = f"Check-in #{schedule.id} paused"
    else:
        today = local_date(now, schedule.timezone)
        if until < today:
            raise PlaybookError(f"{until.isoformat()} has passed; give a date from today on.")
        schedule.pause_from, schedule.pause_until = today, until
        text = f"Check-in #{schedule.id} paused until {until.isoformat()}"
    record(session=session, case=case, kind=Kind.CHECKIN_PAUSED, author=actor, text=text)


def resume(*, session: Session, schedule: CheckinSchedule, actor: Person, now: datetime) -> bool:
    """Resume from now on (what fell due while paused is not caught up); False if running."""
    case = schedule.case
    require(session=session, case=case, person=actor, action=Action.MANAGE_CHECKINS)
    if not schedule.paused and schedule.pause_from is None and schedule.pause_until is None:
        return False
    if schedule.paused:
        schedule.checked_until = max(as_utc(schedule.checked_until), as_utc(now))
    schedule.paused, schedule.paused_reason = False, None
    schedule.pause_from = schedule.pause_until = None
    session.execute(
        delete(Notice).where(
            Notice.case_id == case.id, Notice.kind == PAUSED_NOTICE, Notice.key == str(schedule.id)
        )
    )
    record(
        session=session,
        case=case,
        kind=Kind.CHECKIN_RESUMED,
        author=actor,
        text=f"Check-in #{schedule.id} resumed",
    )
    return True


def remove(*, session: Session, schedule: CheckinSchedule, actor: Person) -> None:
    """Delete a schedule; one that has posted is kept (paused, hidden) for its answers."""
    case = schedule.case
    require(session=session, case=case, person=actor, action=Action.MANAGE_CHECKINS)
    number, cadence = schedule.id, cadence_of(schedule)
    posted = session.scalar(
        select(func.count()).where(
            CheckinOccurrence.schedule_id == schedule.id,
            CheckinOccurrence.status == OccurrenceStatus.POSTED,
        )
    )
    if posted:
        schedule.paused, schedule.paused_reason = True, DELETED
    else:
        session.delete(schedule)
    record(
        session=session,
        case=case,
        kind=Kind.CHECKIN_DELETED,
        author=actor,
        text=f"Check-in #{number} ({cadence}) deleted",
    )


@dataclass(frozen=True)
class ScheduleSummary:
    """One schedule as the list shows it."""

    number: int
    cadence: str
    audience: Audience
    questions: int
    paused: bool
    paused_reason: str | None
    pause_until: date | None
    holidays: int
    next_due: datetime | None
    timezone: str


def summary(schedule: CheckinSchedule, now: datetime) -> ScheduleSummary:
    """What the list and the confirmations say about ``schedule`` at ``now``."""
    rule = rule_of(schedule)
    after = max(as_utc(now), as_utc(schedule.checked_until))
    upcoming = None if schedule.paused else next_due(rule, after)
    today = local_date(now, schedule.timezone)
    window = (
        schedule.pause_until if schedule.pause_until and schedule.pause_until >= today else None
    )
    return ScheduleSummary(
        number=schedule.id,
        cadence=cadence_of(schedule),
        audience=schedule.audience,
        questions=len(load_questions(schedule.questions)),
        paused=schedule.paused,
        paused_reason=schedule.paused_reason,
        pause_until=window,
        holidays=len([d for d in rule.holidays if d >= today]),
        next_due=upcoming,
        timezone=schedule.timezone,
    )


def summaries(*, session: Session, case: Case, now: datetime) -> list[ScheduleSummary]:
    """The case's schedules (deleted ones left out), oldest first."""
    found = session.scalars(
        select(CheckinSchedule)
        .where(CheckinSchedule.case_id == case.id)
        .order_by(CheckinSchedule.id)
    )
    return [summary(s, now) for s in found if not is_deleted(s)]
