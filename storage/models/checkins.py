"""Recurring check-ins: schedules, their occurrences, the answers, and the reminder DMs.

Each due time of a schedule is an occurrence, claimed (inserted) before anything is
posted; ratings and thread replies are answers to an occurrence, and someone who had not
answered is nudged by DM at most once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.vocabulary import Audience, OccurrenceStatus
from storage.clock import utcnow
from storage.models.base import Base, _str_enum
from storage.models.cases import Case
from storage.models.workspace import Person


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
