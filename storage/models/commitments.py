"""Commitments: the rework made concrete, each with an owner, a due date and the
grievances it answers.

A commitment is what someone on either side promised to do by a day (the team's work, or
what the client owes). The reminder job marks what it has said (``reminded_eve``,
``reminded_day``, ``overdue_told``) with an UPDATE that only one process can win, so an
owner hears each reminder once however many instances run.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.clock import utcnow
from storage.models.base import Base
from storage.models.cases import Case
from storage.models.workspace import Person


class Commitment(Base):
    """One promise on a case: who, what, by which day (in the case's time zone)."""

    __tablename__ = "commitment"
    __table_args__ = (
        UniqueConstraint("case_id", "number"),
        Index("ix_commitment_done_at_due", "done_at", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    #: Numbered within the case, as people name it (``commit done 3``).
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    due: Mapped[date] = mapped_column(Date)
    #: Kept from the client side: never posted where they read, never shown to them.
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    done_note: Mapped[str | None] = mapped_column(Text)
    reminded_eve: Mapped[bool] = mapped_column(default=False)
    reminded_day: Mapped[bool] = mapped_column(default=False)
    overdue_told: Mapped[bool] = mapped_column(default=False)
    #: Its message in the case's channel (none for an internal one).
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))

    case: Mapped[Case] = relationship()
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])


class CommitmentGrievance(Base):
    """Which grievances a commitment answers."""

    __tablename__ = "commitment_grievance"

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True
    )
    grievance_id: Mapped[int] = mapped_column(
        ForeignKey("grievance.id", ondelete="CASCADE"), primary_key=True
    )
