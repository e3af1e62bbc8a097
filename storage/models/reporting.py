"""What the bot reports on a case over time: health, digests, notices, closing ratings.

Health scores for the trend, weekly digest runs claimed before posting, notices said
only once, and the stakeholders' closing ratings.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.vocabulary import OccurrenceStatus
from storage.clock import utcnow
from storage.models.base import Base, _str_enum


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
