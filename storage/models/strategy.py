"""Recovery strategy versions, their actions and votes, and the progress updates against them.

Each version names the grievances it addresses (``strategy_grievance``), as each progress
update does (``progress_update_grievance``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.vocabulary import StrategyStatus, VoteKind
from storage.clock import utcnow
from storage.models.base import Base, _str_enum
from storage.models.cases import Case
from storage.models.grievances import Grievance
from storage.models.workspace import Person


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
