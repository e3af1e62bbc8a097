"""The client pulse: one question put to the client side on a cadence, answered 1–5.

Each round is numbered within its case, and the number is unique: the job claims a round
by inserting it, so a second process or a repeated tick never asks twice. Each person
asked has one reply row from the moment the DM goes out; its rating and comment fill in
when they answer, which keeps "asked 4, answered 3" true without a second table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.clock import utcnow
from storage.models.base import Base
from storage.models.cases import Case
from storage.models.workspace import Person


class PulseRound(Base):
    """One asking of the client side: when, and whether a lead asked for it early."""

    __tablename__ = "pulse_round"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("client_case.id", ondelete="CASCADE"))
    number: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The lead who sent it with ``/grievance pulse now`` (None: the cadence did).
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship()


class PulseReply(Base):
    """One client-side person asked in a round, and what they answered (if they did)."""

    __tablename__ = "pulse_reply"
    __table_args__ = (UniqueConstraint("round_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_round.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    rating: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The DM that asked, so an answer can replace its buttons.
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))

    person: Mapped[Person] = relationship()
    round: Mapped[PulseRound] = relationship()
