"""Structured interviews of a case's stakeholders, their answers, and a case's own questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.vocabulary import InterviewStatus, Side
from storage.clock import utcnow
from storage.models.base import Base, _str_enum
from storage.models.cases import Case
from storage.models.workspace import Person


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
