"""Grievances, numbered within their case, and what the bot keeps alongside them.

Alongside: the running load totals the health score reads, whom a confidential grievance
is withheld from, and the confidential grievances escalated away from the case's leads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.vocabulary import Category, Side, Status
from storage.clock import utcnow
from storage.models.base import Base, _str_enum
from storage.models.cases import Case
from storage.models.workspace import Person


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
    #: When it first reached each step (response times are measured by them).
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: What the response target job has said (``bot.playbook.target_alerts``): warned
    #: before, and missed, the acknowledgement and the plan. A miss marks the grievance.
    ack_warned: Mapped[bool] = mapped_column(default=False, server_default=false())
    ack_missed: Mapped[bool] = mapped_column(default=False, server_default=false())
    plan_warned: Mapped[bool] = mapped_column(default=False, server_default=false())
    plan_missed: Mapped[bool] = mapped_column(default=False, server_default=false())
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
