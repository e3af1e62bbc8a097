"""Typed ORM models of the case history.

Enumerations are stored as short strings (not native database enums) so migrations stay
portable between SQLite and PostgreSQL. Constraint names follow one convention so that
Alembic's batch mode on SQLite can find and alter them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.vocabulary import (
    Audience,
    BuyInRule,
    Category,
    ClosingOutcome,
    InterviewStatus,
    OccurrenceStatus,
    Role,
    Side,
    Stage,
    Status,
    StrategyStatus,
    VoteKind,
)
from storage.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _str_enum(enum_cls: type[enum.StrEnum]) -> Enum:
    return Enum(
        enum_cls,
        native_enum=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Workspace(Base):
    """A Slack workspace (team) the bot is installed in."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    url: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cases: Mapped[list[Case]] = relationship(back_populates="workspace")


class Person(Base):
    """Someone the bot has met, with the side they speak for."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(120))
    side: Mapped[Side] = mapped_column(_str_enum(Side), default=Side.TEAM)
    role: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: Every name Slack gave them when last asked (handle, display, real, first name), one
    #: per line: a confidential grievance is checked against a lead's names from here.
    slack_names: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Case(Base):
    """A client recovery effort, bound to one Slack channel."""

    __tablename__ = "client_case"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    client_name: Mapped[str] = mapped_column(String(120))
    stage: Mapped[Stage] = mapped_column(_str_enum(Stage), default=Stage.STABILIZE)
    named: Mapped[bool] = mapped_column(default=False)
    buyin_rule: Mapped[BuyInRule] = mapped_column(
        _str_enum(BuyInRule), default=BuyInRule.DEFAULT, server_default=BuyInRule.DEFAULT.value
    )
    interview_reminder_hours: Mapped[int] = mapped_column(default=48, server_default="48")
    #: Weekly digest: weekday (0 = Monday), local "HH:MM" and time zone.
    digest_weekday: Mapped[int] = mapped_column(default=4, server_default="4")
    digest_time: Mapped[str] = mapped_column(String(5), default="16:00", server_default="16:00")
    digest_timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set with ``closed_at`` when a lead closes the case, cleared when it is reopened.
    closing_outcome: Mapped[ClosingOutcome | None] = mapped_column(_str_enum(ClosingOutcome))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    workspace: Mapped[Workspace] = relationship(back_populates="cases")


class TimelineEntry(Base):
    """One thing that happened on a case, in order; the case history is these rows."""

    __tablename__ = "timeline_entry"
    __table_args__ = (
        Index("ix_timeline_entry_case_id_id", "case_id", "id"),
        Index("ix_timeline_entry_slack_channel_slack_ts", "slack_channel", "slack_ts"),
        # The cases someone took part in (App Home) and their words (purge --user).
        Index("ix_timeline_entry_author_id_case_id", "author_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    grievance_id: Mapped[int | None] = mapped_column(
        ForeignKey("grievance.id", ondelete="CASCADE"), index=True
    )
    confidential: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    edited: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[Person | None] = relationship()


class ProcessedEvent(Base):
    """An Events API delivery already taken, so Slack's retries are handled once."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class SeenRequest(Base):
    """The signature of a slash command or interaction already taken.

    Slack never sends the same signed request twice (each carries a fresh timestamp and
    trigger), so a signature seen again is a replay by someone who captured it; Bolt only
    refuses replays older than five minutes, this refuses the rest.
    """

    __tablename__ = "seen_request"

    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class HeldText(Base):
    """Words typed into ``/grievance`` that read two ways, kept until the typist chooses.

    A button's value holds at most 2,000 characters; longer words wait here, behind a
    random key, for the *File as grievance* or *Run* press (``bot.playbook.readings``).
    Only the typist can redeem them, and they are pruned after a day.
    """

    __tablename__ = "held_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class Grievance(Base):
    """Something a client or team member is unhappy about, numbered within its case."""

    __tablename__ = "grievance"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        Index("ix_grievance_slack_channel_slack_ts", "slack_channel", "slack_ts"),
        # The oldest counted grievance, and those that aged since (``bot.playbook.load``).
        Index(
            "ix_grievance_case_id_load_severity_created_at",
            "case_id",
            "load_severity",
            "created_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    number: Mapped[int]
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    raised_by_name: Mapped[str | None] = mapped_column(String(120))
    side: Mapped[Side] = mapped_column(_str_enum(Side))
    category: Mapped[Category] = mapped_column(_str_enum(Category), default=Category.OTHER)
    severity: Mapped[int] = mapped_column(default=2)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[Status] = mapped_column(_str_enum(Status), default=Status.OPEN)
    confidential: Mapped[bool] = mapped_column(default=False)
    cares_about: Mapped[str | None] = mapped_column(Text)
    success_measure: Mapped[str | None] = mapped_column(Text)
    went_well: Mapped[str | None] = mapped_column(Text)
    source_permalink: Mapped[str | None] = mapped_column(String(500))
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    #: The severity it is counted under in ``CaseLoad`` (None: not counted, being closed or
    #: confidential), so that a change of severity takes out exactly what was put in.
    load_severity: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    case: Mapped[Case] = relationship()
    raised_by: Mapped[Person | None] = relationship(foreign_keys=[raised_by_id])
    reporter: Mapped[Person | None] = relationship(foreign_keys=[reporter_id])


class CaseLoad(Base):
    """Running totals of a case's counted grievances (open, not confidential) of one
    severity: what the health score's grievance load is read from in one query, whatever
    the case's size (``bot.playbook.load``)."""

    __tablename__ = "case_load"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("client_case.id", ondelete="CASCADE"), primary_key=True
    )
    severity: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Counted grievances younger than ``aged_through`` + 28 days, and the sum of their
    #: creation times in Unix milliseconds (their total age at any moment, in one subtraction).
    fresh_count: Mapped[int] = mapped_column(default=0)
    fresh_millis: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Counted grievances created before ``aged_through``: their age is capped, each
    #: weighs a fixed amount.
    aged_count: Mapped[int] = mapped_column(default=0)
    aged_through: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GrievanceWithheld(Base):
    """A person a confidential grievance is kept from because it names them (a lead when it
    was filed). Every view of the case leaves it out for them, even if they become its
    only lead: what they would read is a complaint about themselves."""

    __tablename__ = "grievance_withheld"

    grievance_id: Mapped[int] = mapped_column(
        ForeignKey("grievance.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Escalation(Base):
    """A confidential grievance sent to the escalation contact instead of the case's only
    lead, whom it names. Kept apart from the case's grievances, so no lead's view of the
    case (history, App Home, export) shows it."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    contact_user_id: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int] = mapped_column(default=2)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseLead(Base):
    """A person who leads a case: manages it and sees its confidential items."""

    __tablename__ = "case_lead"
    __table_args__ = (UniqueConstraint("case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class EntryRevision(Base):
    """An earlier text of a timeline entry, kept when its Slack message was edited."""

    __tablename__ = "entry_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("timeline_entry.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseMember(Base):
    """A stakeholder of a case, with their role (which also gives their side)."""

    __tablename__ = "case_member"
    __table_args__ = (UniqueConstraint("case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_str_enum(Role))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    person: Mapped[Person] = relationship()


class Interview(Base):
    """A structured interview of one stakeholder, invited by DM, answered in a modal."""

    __tablename__ = "interview"
    __table_args__ = (UniqueConstraint("case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    status: Mapped[InterviewStatus] = mapped_column(
        _str_enum(InterviewStatus), default=InterviewStatus.INVITED
    )
    anonymous: Mapped[bool] = mapped_column(default=False)
    invited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    case: Mapped[Case] = relationship()
    answers: Mapped[list[InterviewAnswer]] = relationship(
        back_populates="interview", order_by="InterviewAnswer.position"
    )


class InterviewAnswer(Base):
    """One answer of an interview; the question text is kept as it was asked."""

    __tablename__ = "interview_answer"
    __table_args__ = (UniqueConstraint("interview_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"))
    position: Mapped[int]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    interview: Mapped[Interview] = relationship(back_populates="answers")


class InterviewQuestions(Base):
    """A case's own question set for one side, replacing the playbook's default."""

    __tablename__ = "interview_questions"
    __table_args__ = (UniqueConstraint("case_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    side: Mapped[Side] = mapped_column(_str_enum(Side))
    #: One question per line.
    questions: Mapped[str] = mapped_column(Text)


class Strategy(Base):
    """One version of a case's recovery strategy, tied to the grievances it addresses."""

    __tablename__ = "strategy"
    __table_args__ = (
        UniqueConstraint("case_id", "version"),
        Index("ix_strategy_slack_channel_slack_ts", "slack_channel", "slack_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    version: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(Text)
    #: The success measures it targets, one per line.
    success_measures: Mapped[str] = mapped_column(Text, default="")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("strategy.id", ondelete="SET NULL"))
    status: Mapped[StrategyStatus] = mapped_column(
        _str_enum(StrategyStatus), default=StrategyStatus.PROPOSED
    )
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship()
    actions: Mapped[list[StrategyAction]] = relationship(
        back_populates="strategy", order_by="StrategyAction.position"
    )
    addressed: Mapped[list[Grievance]] = relationship(secondary="strategy_grievance")


class StrategyAction(Base):
    """One action of a strategy, with its owner and due date where given."""

    __tablename__ = "strategy_action"
    __table_args__ = (UniqueConstraint("strategy_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    owner_user_id: Mapped[str | None] = mapped_column(String(32))
    owner_name: Mapped[str | None] = mapped_column(String(120))
    due: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    strategy: Mapped[Strategy] = relationship(back_populates="actions")


class StrategyGrievance(Base):
    """Which grievances a strategy version addresses."""

    __tablename__ = "strategy_grievance"

    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategy.id", ondelete="CASCADE"), primary_key=True
    )
    grievance_id: Mapped[int] = mapped_column(
        ForeignKey("grievance.id", ondelete="CASCADE"), primary_key=True
    )


class Vote(Base):
    """A stakeholder's current vote on a strategy version (their latest reaction wins)."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("strategy_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[VoteKind] = mapped_column(_str_enum(VoteKind))
    reaction: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    person: Mapped[Person] = relationship()


class CheckinSchedule(Base):
    """A recurring check-in posted to a case channel, in the schedule's own time zone."""

    __tablename__ = "checkin_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    channel_id: Mapped[str] = mapped_column(String(32))
    #: Days of the week as cron names, e.g. "mon-fri" or "mon,thu".
    days: Mapped[str] = mapped_column(String(40))
    #: 1 for every week, 2 for every other week (counted from ``anchor``).
    interval_weeks: Mapped[int] = mapped_column(default=1)
    anchor: Mapped[date] = mapped_column(Date)
    #: Local time "HH:MM" in ``timezone``.
    time_of_day: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    audience: Mapped[Audience] = mapped_column(_str_enum(Audience), default=Audience.EVERYONE)
    #: JSON list of {"kind": "rating" | "text", "text": "..."}.
    questions: Mapped[str] = mapped_column(Text)
    open_tally: Mapped[bool] = mapped_column(default=False)
    paused: Mapped[bool] = mapped_column(default=False)
    paused_reason: Mapped[str | None] = mapped_column(String(200))
    pause_from: Mapped[date | None] = mapped_column(Date)
    pause_until: Mapped[date | None] = mapped_column(Date)
    #: Comma-separated ISO dates on which nothing is posted.
    holidays: Mapped[str] = mapped_column(Text, default="")
    #: How late a due check-in may still be posted: after the bot was down, or while
    #: Slack is unavailable; past it, it is skipped (or missed, and the owner told).
    grace_minutes: Mapped[int] = mapped_column(default=60)
    nudge_after_minutes: Mapped[int] = mapped_column(default=240)
    #: Occurrences before this instant have been claimed: posted, skipped, failed, or
    #: waiting (``retry``) to be posted once Slack is back.
    checked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship()


class CheckinOccurrence(Base):
    """One due time of a schedule, claimed before anything is posted (exactly once)."""

    __tablename__ = "checkin_occurrence"
    __table_args__ = (UniqueConstraint("schedule_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("checkin_schedule.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[OccurrenceStatus] = mapped_column(_str_enum(OccurrenceStatus))
    late: Mapped[bool] = mapped_column(default=False)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))

    schedule: Mapped[CheckinSchedule] = relationship()


class CheckinAnswer(Base):
    """A rating (by button) or a reply (in the check-in's thread) to one occurrence."""

    __tablename__ = "checkin_answer"
    __table_args__ = (
        Index("ix_checkin_answer_occurrence_id_person_id", "occurrence_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_occurrence.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    question_index: Mapped[int]
    rating: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    person: Mapped[Person] = relationship()


class CheckinNudge(Base):
    """A reminder DM sent to someone who had not answered an occurrence (at most one)."""

    __tablename__ = "checkin_nudge"
    __table_args__ = (UniqueConstraint("occurrence_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_occurrence.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProgressUpdate(Base):
    """A progress update posted to the case channel, tied to a strategy version."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    strategy_id: Mapped[int | None] = mapped_column(ForeignKey("strategy.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    addressed: Mapped[list[Grievance]] = relationship(secondary="progress_update_grievance")


class ProgressUpdateGrievance(Base):
    """Which grievances a progress update addressed."""

    __tablename__ = "progress_update_grievance"

    update_id: Mapped[int] = mapped_column(
        ForeignKey("progress_update.id", ondelete="CASCADE"), primary_key=True
    )
    grievance_id: Mapped[int] = mapped_column(
        ForeignKey("grievance.id", ondelete="CASCADE"), primary_key=True
    )


class HealthSnapshot(Base):
    """A case's health score (0–100) when it was recomputed, for its trend and the chart."""

    __tablename__ = "health_snapshot"
    __table_args__ = (Index("ix_health_snapshot_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    score: Mapped[int]
    #: JSON: the components behind the score, so it can be explained.
    components: Mapped[str] = mapped_column(Text, default="{}")
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notice(Base):
    """Something the bot must say only once (a silence alert, a paused schedule...)."""

    __tablename__ = "notice"
    __table_args__ = (UniqueConstraint("case_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DigestRun(Base):
    """A weekly digest due time of a case, claimed before posting (exactly once)."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("case_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[OccurrenceStatus] = mapped_column(_str_enum(OccurrenceStatus))
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FinalRating(Base):
    """A stakeholder's closing 1–5 rating and comment when a case is closed."""

    __tablename__ = "final_rating"
    __table_args__ = (UniqueConstraint("case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    rating: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HealthProbe(Base):
    """Never holds a row: ``/healthz`` writes one here and rolls it back, to prove a write
    (``Database.write_problem``)."""

    __tablename__ = "health_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
