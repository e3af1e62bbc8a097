"""Recurring check-ins: schedules a lead manages, and the occurrences the scheduler posts.

Keeping the lines open after a grievance means asking, regularly, how things are going,
in the words the client used for success. A lead schedules a check-in for the case
channel; its questions start from the strategy's success measures (or, before there is
a strategy, from how the client said they measure success).

Each due time is an occurrence row, inserted before anything is posted. The unique
``(schedule_id, due_at)`` constraint makes that insert the claim: whichever process
inserts first posts, every other one gets an ``IntegrityError`` and leaves it alone.
A post that finds Slack unavailable gives its claim back (``retry``); a later run within
the schedule's grace period claims it again by a conditional update that only one run
can win, and past the grace period it is ``missed`` and its owner told, once. A claim is
a lease: a process that died holding one (killed mid fan-out) leaves it ``claimed``, and
once ``LEASE`` has passed a later run takes it over the same way. The holder renews its
lease just before posting, by the same kind of update, so of a slow process and the one
taking over, only one posts; and whoever takes an occurrence over looks for its post
first, since the process before may have posted it without recording so.
``checked_until`` is each schedule's cursor: everything due up to it has been claimed,
skipped or found already taken, and it only ever moves forward.

Schedules are numbered by their id within the case (``/grievance checkin pause 3``).
A deleted schedule with posted occurrences is kept, paused with the reason ``deleted``,
because its answers are part of the case's history; one never posted is removed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, delete, func, select, update
from sqlalchemy.orm import Session

from bot.ids import choice_of
from bot.playbook.access import Action, require
from bot.playbook.errors import PlaybookError
from bot.playbook.said import said
from bot.playbook.schedules import (
    MAX_WALK,
    WEEKDAYS,
    Cadence,
    Rule,
    as_utc,
    canonical_zone,
    cron_days,
    days_of,
    describe,
    due_times,
    format_holidays,
    local_date,
    next_due,
    parse_holidays,
    parse_time,
    stored_holidays,
    zone,
)
from bot.playbook.strategy import latest, split_measures
from bot.playbook.timeline import Kind, record
from storage.models import (
    Audience,
    Case,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    Notice,
    OccurrenceStatus,
    Person,
    Side,
    Stage,
)

RATING, TEXT = "rating", "text"
MAX_QUESTIONS = 10
MAX_QUESTION = 200
#: How many success measures become rating questions by default.
MAX_DEFAULT_MEASURES = 5
CONFIDENCE_QUESTION = "How confident are you that we are back on track?"
OPEN_QUESTION = "Anything we should know?"
#: A check-in posted this long after its due time says it is late.
LATE_AFTER = timedelta(minutes=5)
#: How long a claim to post a check-in holds: a claim older than this, never posted, is
#: taken over by a later run. Far longer than one post takes (Slack's answer, a few
#: retries, a look for the post), and far shorter than the grace period (an hour).
LEASE = timedelta(minutes=5)
#: ``paused_reason`` of a deleted schedule kept for its history.
DELETED = "deleted"
#: Notice kind: the owner was told their schedule stopped (key: the schedule id).
PAUSED_NOTICE = "schedule_paused"
#: Notice kind: the owner was told a check-in was missed while Slack was unavailable
#: (key: the occurrence id).
MISSED_NOTICE = "checkin_missed"
#: chat.postMessage errors that mean the channel can no longer take check-ins.
CHANNEL_PROBLEMS = {
    "is_archived": "the channel was archived",
    "not_in_channel": "I was removed from the channel",
    "channel_not_found": "I can no longer see the channel (it was deleted, or I was removed)",
}
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


# ---- questions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question of a check-in: a 1–5 rating (buttons) or free text (thread replies)."""

    kind: str
    text: str


def load_questions(stored: str | None) -> list[Question]:
    """The stored JSON list; anything malformed is skipped rather than breaking a post."""
    try:
        items = json.loads(stored or "[]")
    except ValueError:
        return []
    questions = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("kind") in (RATING, TEXT) and item.get("text"):
            questions.append(Question(kind=str(item["kind"]), text=str(item["text"])))
    return questions


def dump_questions(questions: Sequence[Question]) -> str:
    """As stored in ``CheckinSchedule.questions``."""
    return json.dumps([{"kind": q.kind, "text": q.text} for q in questions], ensure_ascii=False)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def default_questions(*, session: Session, case: Case) -> list[Question]:
    """ "How are we doing on <measure>?" per success measure, then "Anything we should know?".

    The measures are the current strategy's, else how the client side said it measures
    success (never the team's words, never from confidential grievances: the check-in is
    posted in the channel).
    """
    current = latest(session=session, case=case)
    measures = split_measures(current.success_measures) if current else []
    if not measures:
        client = said(session=session, case=case, side=Side.CLIENT)
        measures = [item.text for item in client.success_measures]
    ratings = [
        Question(RATING, _cut(f"How are we doing on {measure.rstrip('.?!')}?", MAX_QUESTION))
        for measure in measures[:MAX_DEFAULT_MEASURES]
    ] or [Question(RATING, CONFIDENCE_QUESTION)]
    return [*ratings, Question(TEXT, OPEN_QUESTION)]


def suggested_cadence(stage: Stage) -> Cadence:
    """Every weekday while stabilizing; weekly (Mondays) once the rework has started."""
    if stage is Stage.STABILIZE:
        return Cadence(days=WEEKDAYS)
    return Cadence(days=(0,))


# ---- drafts --------------------------------------------------------------------------------


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


# ---- managing schedules --------------------------------------------------------------------


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


# ---- the scheduler's side ------------------------------------------------------------------


def walkable(*, session: Session) -> list[int]:
    """Ids of the schedules the scheduler looks at: every one not paused."""
    return list(
        session.scalars(
            select(CheckinSchedule.id)
            .where(CheckinSchedule.paused.is_(False))
            .order_by(CheckinSchedule.id)
        )
    )


def next_due_at(*, session: Session, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which a running schedule of an open case has
    a check-in due, or None: lets a clock that jumps ahead (the sandbox's ``wait``) stop at
    each check-in instead of catching them all up at once."""
    schedules = session.scalars(
        select(CheckinSchedule)
        .join(Case, Case.id == CheckinSchedule.case_id)
        .where(CheckinSchedule.paused.is_(False), Case.closed_at.is_(None))
    )
    found = [due for s in schedules if (due := next_due(rule_of(s), after)) is not None]
    return min(found, default=None)


@dataclass(frozen=True)
class DueTime:
    """One due time found by a walk: post it (``late`` or on time), or record it ``missed``."""

    at: datetime
    missed: bool = False
    late: bool = False


@dataclass(frozen=True)
class Walk:
    """What a schedule has due between its cursor and now, and where the cursor goes next."""

    schedule_id: int
    channel_id: str
    due: list[DueTime]
    until: datetime


def walk(*, session: Session, schedule_id: int, now: datetime) -> Walk | None:
    """Due times in ``(checked_until, now]``; None for a paused or vanished schedule.

    Those older than the grace period are ``missed`` (the bot, or Slack, could not be
    reached in time): recorded as missed, not posted, and the owner told once. A closed
    case's schedules post nothing; their cursor moves on.
    """
    schedule = session.get(CheckinSchedule, schedule_id)
    if schedule is None or schedule.paused:
        return None
    moment = as_utc(now)
    if schedule.case.closed_at is not None:
        return Walk(schedule_id, schedule.channel_id, [], moment)
    times = due_times(rule_of(schedule), as_utc(schedule.checked_until), moment)
    grace = timedelta(minutes=max(schedule.grace_minutes, 0))
    due = [DueTime(at=t, missed=moment - t >= grace, late=moment - t >= LATE_AFTER) for t in times]
    until = times[-1] if len(times) >= MAX_WALK else moment
    return Walk(schedule_id, schedule.channel_id, due, until)


def claim(*, session: Session, schedule_id: int, due: DueTime, now: datetime) -> int:
    """Insert the occurrence (claimed to post, or missed); the unique key refuses a second.

    The caller runs this in its own transaction and treats ``IntegrityError`` as "another
    run has it".
    """
    occurrence = CheckinOccurrence(
        schedule_id=schedule_id,
        due_at=as_utc(due.at),
        status=OccurrenceStatus.MISSED if due.missed else OccurrenceStatus.CLAIMED,
        late=due.late and not due.missed,
        claimed_at=as_utc(now),
        error="missed: the bot could not post it before its grace period ran out"
        if due.missed
        else None,
    )
    session.add(occurrence)
    session.flush()
    return occurrence.id


def advance(*, session: Session, schedule_id: int, until: datetime) -> None:
    """Move the cursor forward to ``until``; never back (a late or slow run changes nothing)."""
    moment = as_utc(until)
    session.execute(
        update(CheckinSchedule)
        .where(CheckinSchedule.id == schedule_id, CheckinSchedule.checked_until < moment)
        .values(checked_until=moment)
    )


def mark_posted(
    *, session: Session, occurrence_id: int, channel: str, ts: str, now: datetime
) -> None:
    """Remember where the check-in was posted; it goes on the case's timeline, once."""
    occurrence = session.get_one(CheckinOccurrence, occurrence_id)
    if occurrence.status is OccurrenceStatus.POSTED:
        return
    occurrence.status = OccurrenceStatus.POSTED
    occurrence.posted_at = as_utc(now)
    occurrence.slack_channel, occurrence.slack_ts = channel, ts
    schedule = occurrence.schedule
    late = " (late)" if occurrence.late else ""
    record(
        session=session,
        case=schedule.case,
        kind=Kind.CHECKIN_POSTED,
        author=None,
        text=f"Check-in #{schedule.id} posted{late}",
        channel=channel,
        ts=ts,
    )


def mark_failed(*, session: Session, occurrence_id: int, error: str) -> None:
    """Slack refused the post; the occurrence stays claimed by this failure, not retried."""
    _moved(session, occurrence_id, OccurrenceStatus.FAILED, error=error[:200])


def release(*, session: Session, occurrence_id: int, error: str) -> None:
    """Slack was unavailable: give the claim back, for a later run to post it in time."""
    _moved(
        session, occurrence_id, OccurrenceStatus.RETRY, error=f"waiting for Slack: {error}"[:200]
    )


@dataclass(frozen=True)
class Waiting:
    """An occurrence to take over: released after a Slack outage, or claimed by a run that
    held it past its lease. ``held`` is its claim's time, which the take-over must find
    unchanged; once ``expired`` it is not posted any more."""

    occurrence_id: int
    schedule_id: int
    channel_id: str
    held: datetime
    expired: bool


def waiting(*, session: Session, now: datetime) -> list[Waiting]:
    """Occurrences to take over, oldest first: released ones, and claims older than the
    lease. One is ``expired`` once its grace period ran out, or when its schedule was
    paused or its case closed meanwhile (nothing to post)."""
    moment = as_utc(now)
    rows = session.execute(
        select(CheckinOccurrence, CheckinSchedule, Case.closed_at)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .join(Case, Case.id == CheckinSchedule.case_id)
        .where(
            (CheckinOccurrence.status == OccurrenceStatus.RETRY)
            | (
                (CheckinOccurrence.status == OccurrenceStatus.CLAIMED)
                & (CheckinOccurrence.claimed_at <= moment - LEASE)
            )
        )
        .order_by(CheckinOccurrence.due_at, CheckinOccurrence.id)
    ).all()
    found = []
    for occurrence, schedule, closed_at in rows:
        grace = timedelta(minutes=max(schedule.grace_minutes, 0))
        expired = (
            schedule.paused or closed_at is not None or moment - as_utc(occurrence.due_at) >= grace
        )
        found.append(
            Waiting(
                occurrence.id,
                schedule.id,
                schedule.channel_id,
                as_utc(occurrence.claimed_at),
                expired,
            )
        )
    return found


def take_over(*, session: Session, item: Waiting, now: datetime) -> bool:
    """Claim ``item`` for this run, from ``now`` on; False when another run took it first.

    The conditional update is the claim: it changes the row only if its claim is still
    the one ``waiting`` saw, so of two runs only one sees its row change.
    """
    occurrence = session.get_one(CheckinOccurrence, item.occurrence_id)
    late = as_utc(now) - as_utc(occurrence.due_at) >= LATE_AFTER
    changed = session.execute(
        update(CheckinOccurrence)
        .where(
            CheckinOccurrence.id == item.occurrence_id,
            CheckinOccurrence.status.in_([OccurrenceStatus.RETRY, OccurrenceStatus.CLAIMED]),
            CheckinOccurrence.claimed_at == as_utc(item.held),
        )
        .values(status=OccurrenceStatus.CLAIMED, claimed_at=as_utc(now), late=late)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def renew(*, session: Session, occurrence_id: int, held: datetime, now: datetime) -> bool:
    """Renew this run's claim just before posting; False when another run took it over
    (this run held it past its lease), and this run must not post it."""
    changed = session.execute(
        update(CheckinOccurrence)
        .where(
            CheckinOccurrence.id == occurrence_id,
            CheckinOccurrence.status == OccurrenceStatus.CLAIMED,
            CheckinOccurrence.claimed_at == as_utc(held),
        )
        .values(claimed_at=as_utc(now))
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def give_up(*, session: Session, occurrence_id: int) -> bool:
    """Record a taken-over occurrence whose post is not there as missed (its owner is to
    be told); False when it is no longer this run's claim."""
    return _moved(
        session,
        occurrence_id,
        OccurrenceStatus.MISSED,
        error="missed: Slack was unavailable until the grace period ran out",
    )


def _moved(session: Session, occurrence_id: int, to: OccurrenceStatus, **values: object) -> bool:
    """Move a claimed occurrence on, if it still is claimed; True when this call did."""
    changed = session.execute(
        update(CheckinOccurrence)
        .where(
            CheckinOccurrence.id == occurrence_id,
            CheckinOccurrence.status == OccurrenceStatus.CLAIMED,
        )
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


@dataclass(frozen=True)
class MissedNotice:
    """Whom to tell that a check-in was never posted: Slack or the bot was unavailable."""

    schedule_id: int
    owner_user_id: str | None
    channel_id: str
    client_name: str
    due_at: datetime
    timezone: str

    @property
    def due_local(self) -> str:
        """When it was due on the schedule's clock, ``Mon 30 Nov 09:30``."""
        return as_utc(self.due_at).astimezone(zone(self.timezone)).strftime("%a %d %b %H:%M")


def untold_misses(*, session: Session) -> list[int]:
    """Missed occurrences whose owner has not been told yet, oldest first."""
    told = select(Notice.id).where(
        Notice.kind == MISSED_NOTICE, Notice.key == cast(CheckinOccurrence.id, String)
    )
    return list(
        session.scalars(
            select(CheckinOccurrence.id)
            .where(CheckinOccurrence.status == OccurrenceStatus.MISSED, ~told.exists())
            .order_by(CheckinOccurrence.id)
        )
    )


def claim_missed_notice(*, session: Session, occurrence_id: int) -> MissedNotice:
    """Insert the ``Notice`` that claims telling the owner; the caller commits it before
    the DM and treats ``IntegrityError`` as "another run is telling them"."""
    occurrence = session.get_one(CheckinOccurrence, occurrence_id)
    schedule = occurrence.schedule
    session.add(Notice(case_id=schedule.case_id, kind=MISSED_NOTICE, key=str(occurrence_id)))
    session.flush()
    return MissedNotice(
        schedule_id=schedule.id,
        owner_user_id=_owner_user_id(session, schedule),
        channel_id=schedule.channel_id,
        client_name=schedule.case.client_name,
        due_at=as_utc(occurrence.due_at),
        timezone=schedule.timezone,
    )


def unclaim_missed_notice(*, session: Session, occurrence_id: int) -> None:
    """The DM did not get through (Slack still unavailable): let a later run tell them."""
    session.execute(
        delete(Notice).where(Notice.kind == MISSED_NOTICE, Notice.key == str(occurrence_id))
    )


def _owner_user_id(session: Session, schedule: CheckinSchedule) -> str | None:
    """Who hears about a schedule: the lead who created it (None once they are gone)."""
    owner = session.get(Person, schedule.created_by_id) if schedule.created_by_id else None
    return owner.slack_user_id if owner else None


@dataclass(frozen=True)
class PausedNotice:
    """Whom to tell that their schedule stopped, and why."""

    schedule_id: int
    owner_user_id: str | None
    channel_id: str
    client_name: str
    cadence: str
    reason: str


def stop_for_channel(*, session: Session, schedule_id: int, error: str) -> PausedNotice | None:
    """Pause a schedule whose channel is gone; the notice to send, or None if already sent.

    The ``Notice`` row is the claim to tell the owner: inserted here, committed before the
    DM, so they hear it once however many runs hit the same archived channel.
    """
    schedule = session.get_one(CheckinSchedule, schedule_id)
    reason = CHANNEL_PROBLEMS.get(error, f"Slack refused the post ({error})")
    stopped = session.execute(
        update(CheckinSchedule)
        .where(CheckinSchedule.id == schedule_id, CheckinSchedule.paused.is_(False))
        .values(paused=True, paused_reason=reason[:200])
    ).rowcount
    if stopped:
        record(
            session=session,
            case=schedule.case,
            kind=Kind.CHECKIN_PAUSED,
            author=None,
            text=f"Check-in #{schedule_id} paused: {reason}",
        )
    told = session.scalar(
        select(Notice.id).where(
            Notice.case_id == schedule.case_id,
            Notice.kind == PAUSED_NOTICE,
            Notice.key == str(schedule_id),
        )
    )
    if told is not None:
        return None
    session.add(Notice(case_id=schedule.case_id, kind=PAUSED_NOTICE, key=str(schedule_id)))
    session.flush()
    return PausedNotice(
        schedule_id=schedule_id,
        owner_user_id=_owner_user_id(session, schedule),
        channel_id=schedule.channel_id,
        client_name=schedule.case.client_name,
        cadence=cadence_of(schedule),
        reason=reason,
    )


# ---- what a check-in shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Ratings given to one question: counts for 1–5 and, with an open tally, who gave them."""

    counts: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    #: Display names per rating (1–5); empty unless the schedule's tally is open.
    names: tuple[tuple[str, ...], ...] = ((), (), (), (), ())

    @classmethod
    def of(
        cls, counts: Mapping[int, int], names: Mapping[int, Sequence[str]] | None = None
    ) -> Tally:
        """From ``{rating: count}`` and ``{rating: names}``, as ``bot.playbook.answers`` tallies."""
        who = names or {}
        return cls(
            counts=(
                counts.get(1, 0),
                counts.get(2, 0),
                counts.get(3, 0),
                counts.get(4, 0),
                counts.get(5, 0),
            ),
            names=tuple(tuple(who.get(r, ())) for r in range(1, 6)),
        )

    @property
    def total(self) -> int:
        """How many people rated."""
        return sum(self.counts)

    @property
    def average(self) -> float | None:
        """The mean rating, or None before anyone rated."""
        if not self.total:
            return None
        return sum(n * c for n, c in enumerate(self.counts, 1)) / self.total


@dataclass(frozen=True)
class ViewQuestion:
    """A question as posted: its index in the schedule's list, and its tally if a rating."""

    index: int
    kind: str
    text: str
    tally: Tally | None = None


@dataclass(frozen=True)
class CheckinView:
    """Everything the check-in message shows; rebuilt after each rating to update it."""

    occurrence_id: int
    schedule_id: int
    client_name: str
    audience: Audience
    due_at: datetime
    timezone: str
    cadence: str
    late: bool
    open_tally: bool
    questions: tuple[ViewQuestion, ...]

    @property
    def due_local(self) -> str:
        """The due time on the schedule's clock, ``09:30``."""
        return as_utc(self.due_at).astimezone(zone(self.timezone)).strftime("%H:%M")


def tallies(*, session: Session, occurrence_id: int, open_tally: bool) -> dict[int, Tally]:
    """Per question index, each person's latest rating (a changed mind counts once).

    Latest by answer id, as ``bot.playbook.answers`` counts, so both agree.
    """
    rows = session.execute(
        select(
            CheckinAnswer.person_id,
            CheckinAnswer.question_index,
            CheckinAnswer.rating,
            Person.display_name,
        )
        .join(Person, Person.id == CheckinAnswer.person_id)
        .where(CheckinAnswer.occurrence_id == occurrence_id, CheckinAnswer.rating.is_not(None))
        .order_by(CheckinAnswer.id)
    ).all()
    latest_rating: dict[tuple[int, int], tuple[int, str]] = {}
    for person_id, index, rating, name in rows:
        if rating is not None and 1 <= rating <= 5:
            latest_rating[(index, person_id)] = (rating, name)
    counts: dict[int, list[int]] = {}
    names: dict[int, list[list[str]]] = {}
    for (index, _person), (rating, name) in sorted(latest_rating.items()):
        counts.setdefault(index, [0] * 5)[rating - 1] += 1
        if open_tally:
            names.setdefault(index, [[] for _ in range(5)])[rating - 1].append(name)
    result: dict[int, Tally] = {}
    for index, per_rating in counts.items():
        who = names.get(index, [[] for _ in range(5)])
        result[index] = Tally(
            counts=(per_rating[0], per_rating[1], per_rating[2], per_rating[3], per_rating[4]),
            names=tuple(tuple(sorted(n)) for n in who),
        )
    return result


def checkin_view(*, session: Session, occurrence_id: int) -> CheckinView:
    """The check-in message's content for ``occurrence_id``, with the ratings so far."""
    occurrence = session.get_one(CheckinOccurrence, occurrence_id)
    schedule = occurrence.schedule
    counted = tallies(session=session, occurrence_id=occurrence_id, open_tally=schedule.open_tally)
    questions = tuple(
        ViewQuestion(
            index=index,
            kind=question.kind,
            text=question.text,
            tally=counted.get(index, Tally()) if question.kind == RATING else None,
        )
        for index, question in enumerate(load_questions(schedule.questions))
    )
    return CheckinView(
        occurrence_id=occurrence.id,
        schedule_id=schedule.id,
        client_name=schedule.case.client_name,
        audience=schedule.audience,
        due_at=as_utc(occurrence.due_at),
        timezone=schedule.timezone,
        cadence=cadence_of(schedule),
        late=occurrence.late,
        open_tally=schedule.open_tally,
        questions=questions,
    )
