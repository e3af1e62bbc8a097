"""Check-ins as people use them: a lead scheduling and managing them, anyone listing
them, and rating a question on a posted check-in.

Each intent owns its transaction and hands the listener plain values
(``ScheduleSummary``, ``FormStart``, ``answers.Rated``, ``CheckinView``), never rows.
Slack lookups (a caller's profile) happen before or between transactions, so no write
waits on the Web API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.flows.scope import NO_CASE
from bot.playbook import access, answers, cases, checkins, health, history, people
from bot.playbook.checkins import CheckinView, Question, ScheduleDraft, ScheduleSummary
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from bot.playbook.schedules import Cadence, days_of
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from bot.vocabulary import Audience, Stage
from storage.engine import Database
from storage.models import Case, CheckinOccurrence, CheckinSchedule, Person

#: Said alike for a check-in that does not exist and one the person may not reach.
CHECKIN_GONE = "This check-in no longer exists."


@dataclass(frozen=True)
class RatingGiven:
    """What a press did, and whether the check-in shows who gave which rating."""

    rated: answers.Rated
    open_tally: bool


@dataclass(frozen=True)
class PostedCheckin:
    """A posted check-in's message and what it shows now (its current tally)."""

    channel: str
    ts: str
    view: CheckinView


def rate(
    db: Database,
    client: WebClient,
    *,
    home: Installation,
    user_id: str,
    channel_id: str | None,
    press: answers.RatingPress,
    now: datetime,
) -> RatingGiven:
    """Store one press and rescore the case's health, in one transaction.

    The check-in must be in the person's reach from where they pressed (``CHECKIN_GONE``
    otherwise); someone met for the first time is looked up first, because their side
    decides whether the check-in asks them.
    """
    with db.transaction() as session:
        occurrence = session.get(CheckinOccurrence, press.occurrence_id)
        if occurrence is None:
            raise PlaybookError(CHECKIN_GONE)
        case = occurrence.schedule.case
        known = people.find_person(session=session, workspace=case.workspace, user_id=user_id)
        access.require_in_scope(
            session=session,
            case=case,
            person=known,
            team_id=home.key,
            channel_id=channel_id,
            gone=CHECKIN_GONE,
        )
    profile = None if known else profile_of(client, user_id, home)
    with db.transaction() as session:
        occurrence = session.get_one(CheckinOccurrence, press.occurrence_id)
        case = occurrence.schedule.case
        person = (
            people.ensure_person(session=session, workspace=case.workspace, profile=profile)
            if profile
            else people.find_person(session=session, workspace=case.workspace, user_id=user_id)
        )
        if person is None:
            raise PlaybookError("I couldn't tell who you are; please try again.")
        rated = answers.rate(
            session=session,
            occurrence=occurrence,
            person=person,
            question_index=press.question_index,
            rating=press.rating,
            now=now,
        )
        health.rescore(session=session, case=case, now=now)
        return RatingGiven(rated=rated, open_tally=occurrence.schedule.open_tally)


def posted_checkin(db: Database, occurrence_id: int) -> PostedCheckin | None:
    """The check-in's message and current view; None when it was never posted."""
    with db.transaction() as session:
        occurrence = session.get_one(CheckinOccurrence, occurrence_id)
        channel, ts = occurrence.slack_channel, occurrence.slack_ts
        view = checkins.checkin_view(session=session, occurrence_id=occurrence_id)
    if not (channel and ts):
        return None
    return PostedCheckin(channel=channel, ts=ts, view=view)


# ---- schedules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """The channel a check-in command was typed in, and who typed it."""

    team_id: str
    channel_id: str
    user_id: str


@dataclass(frozen=True)
class ScheduleList:
    """The case's schedules, for anyone in the channel."""

    client_name: str
    items: list[ScheduleSummary]


@dataclass(frozen=True)
class ScheduleSettings:
    """A stored schedule as the edit form starts from it."""

    days: tuple[int, ...]
    interval_weeks: int
    time_of_day: str
    timezone: str
    audience: Audience
    holidays: str
    open_tally: bool


@dataclass(frozen=True)
class FormStart:
    """What the schedule form opens with: the case and, for an edit, the schedule."""

    case_id: int
    channel_id: str
    client_name: str
    stage: Stage
    #: The schedule's questions, or the case's default ones for a new schedule.
    questions: tuple[Question, ...]
    #: The stage's suggested cadence (a new schedule starts from it).
    cadence: Cadence
    #: The schedule being edited; None for a new one.
    editing: ScheduleSettings | None


def _case_here(
    session: Session, where: Where, profile: Profile | None = None
) -> tuple[Case, Person | None]:
    """The channel's case and the caller (None if the bot has never met them)."""
    workspace = people.ensure_workspace(session=session, team_id=where.team_id)
    case = cases.find_case(session=session, workspace=workspace, channel_id=where.channel_id)
    if case is None:
        raise PlaybookError(NO_CASE)
    if profile is not None:
        return case, people.ensure_person(session=session, workspace=workspace, profile=profile)
    return case, people.find_person(session=session, workspace=workspace, user_id=where.user_id)


def _require_manager(session: Session, case: Case, person: Person | None) -> Person:
    """Refuse anyone the policy does not let manage check-ins (before any form opens)."""
    return access.require(
        session=session, case=case, person=person, action=access.Action.MANAGE_CHECKINS
    )


def create_from_cadence(
    db: Database,
    where: Where,
    *,
    caller: Profile,
    cadence: Cadence,
    default_timezone: str,
    now: datetime,
) -> ScheduleSummary:
    """A lead's ``every …`` line: a schedule with the case's default questions, in the
    caller's time zone."""
    with db.transaction() as session:
        case, person = _case_here(session, where, caller)
        actor = _require_manager(session, case, person)
        draft = checkins.draft_from_cadence(
            cadence,
            timezone=caller.timezone or default_timezone,
            questions=checkins.default_questions(session=session, case=case),
        )
        schedule = checkins.create(session=session, case=case, actor=actor, draft=draft, now=now)
        return checkins.summary(schedule, now)


def schedule_list(db: Database, where: Where, *, now: datetime) -> ScheduleList:
    """Every schedule of the case, for anyone who may read the case."""
    with db.transaction() as session:
        case, person = _case_here(session, where)
        history.require_reader(session=session, case=case, viewer=person)
        items = checkins.summaries(session=session, case=case, now=now)
        return ScheduleList(client_name=case.client_name, items=items)


def pause(db: Database, where: Where, *, number: int, until: date | None, now: datetime) -> None:
    """A lead pauses schedule ``number`` (until a lead resumes it, or up to ``until``)."""
    with db.transaction() as session:
        case, person = _case_here(session, where)
        actor = _require_manager(session, case, person)
        schedule = checkins.find(session=session, case=case, number=number)
        checkins.pause(session=session, schedule=schedule, actor=actor, until=until, now=now)


def resume(db: Database, where: Where, *, number: int, now: datetime) -> ScheduleSummary | None:
    """A lead resumes schedule ``number``; None when it was not paused."""
    with db.transaction() as session:
        case, person = _case_here(session, where)
        actor = _require_manager(session, case, person)
        schedule = checkins.find(session=session, case=case, number=number)
        if not checkins.resume(session=session, schedule=schedule, actor=actor, now=now):
            return None
        return checkins.summary(schedule, now)


def delete(db: Database, where: Where, *, number: int) -> None:
    """A lead deletes schedule ``number``; its past check-ins stay in the history."""
    with db.transaction() as session:
        case, person = _case_here(session, where)
        actor = _require_manager(session, case, person)
        schedule = checkins.find(session=session, case=case, number=number)
        checkins.remove(session=session, schedule=schedule, actor=actor)


def _settings_of(schedule: CheckinSchedule) -> ScheduleSettings:
    return ScheduleSettings(
        days=days_of(schedule.days),
        interval_weeks=schedule.interval_weeks,
        time_of_day=schedule.time_of_day,
        timezone=schedule.timezone,
        audience=schedule.audience,
        holidays=schedule.holidays,
        open_tally=schedule.open_tally,
    )


def form_start(db: Database, where: Where, *, caller: Profile, number: int | None) -> FormStart:
    """What the schedule form opens with, for a lead only: schedule ``number`` to edit,
    or (None) the case's suggestion for a new one."""
    with db.transaction() as session:
        case, person = _case_here(session, where, caller)
        _require_manager(session, case, person)
        if number is None:
            editing = None
            questions = checkins.default_questions(session=session, case=case)
        else:
            schedule = checkins.find(session=session, case=case, number=number)
            editing = _settings_of(schedule)
            questions = checkins.load_questions(schedule.questions)
        return FormStart(
            case_id=case.id,
            channel_id=case.channel_id,
            client_name=case.client_name,
            stage=case.stage,
            questions=tuple(questions),
            cadence=checkins.suggested_cadence(case.stage),
            editing=editing,
        )


def save_schedule(
    db: Database,
    *,
    case_id: int,
    number: int | None,
    user_id: str,
    draft: ScheduleDraft,
    now: datetime,
) -> ScheduleSummary:
    """The submitted form, committed: a new schedule (``number`` None) or an edit."""
    with db.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise PlaybookError("This case no longer exists.")
        actor = _require_manager(
            session,
            case,
            people.find_person(session=session, workspace=case.workspace, user_id=user_id),
        )
        if number is None:
            schedule = checkins.create(
                session=session, case=case, actor=actor, draft=draft, now=now
            )
        else:
            schedule = checkins.find(session=session, case=case, number=number)
            checkins.update_schedule(
                session=session, schedule=schedule, actor=actor, draft=draft, now=now
            )
        return checkins.summary(schedule, now)
