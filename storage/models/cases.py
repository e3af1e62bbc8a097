"""A case and its history: who leads it and takes part, and the timeline of what happened.

A case is bound to one Slack channel. Its timeline entries are the case history; an entry
whose Slack message was edited keeps its earlier texts as revisions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.vocabulary import BuyInRule, ClosingOutcome, Role, Stage
from storage.clock import utcnow
from storage.models.base import Base, _str_enum
from storage.models.workspace import Person, Workspace


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
    #: The daily window response targets count in (weekdays, in ``digest_timezone``).
    business_hours: Mapped[str] = mapped_column(
        String(11), default="09:00-17:00", server_default="09:00-17:00"
    )
    #: Response targets a lead set, JSON of severity → [acknowledge, plan] business
    #: minutes (None: the defaults, ``bot.playbook.targets``).
    response_targets: Mapped[str | None] = mapped_column(Text)
    #: Weeks between client pulses a lead chose; 0 is off, None the stage's default
    #: (``bot.playbook.pulse``).
    pulse_weeks: Mapped[int | None]
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set with ``closed_at`` when a lead closes the case, cleared when it is reopened.
    closing_outcome: Mapped[ClosingOutcome | None] = mapped_column(_str_enum(ClosingOutcome))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    workspace: Mapped[Workspace] = relationship(back_populates="cases")


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


class EntryRevision(Base):
    """An earlier text of a timeline entry, kept when its Slack message was edited."""

    __tablename__ = "entry_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("timeline_entry.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
