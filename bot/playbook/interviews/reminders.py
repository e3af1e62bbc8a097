"""Reminding someone who has not answered, once, some hours after their invitation.

The delay is ``Case.interview_reminder_hours``, set with the case's questions. Each
reminder is claimed in the database by a conditional update before it is sent, so of the
runs (threads, processes, instances) racing for the same interview only one sends it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.playbook.timeline import Kind, record
from storage.models import Case, Interview, InterviewStatus


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reminder_times(session: Session) -> list[tuple[int, datetime]]:
    """(interview id, when its reminder is due) of every interview still owed one."""
    rows = session.execute(
        select(Interview.id, Interview.invited_at, Case.interview_reminder_hours)
        .join(Case, Case.id == Interview.case_id)
        .where(Interview.status != InterviewStatus.ANSWERED, Interview.reminded_at.is_(None))
        .order_by(Interview.id)
    )
    return [
        (interview_id, _aware(invited_at) + timedelta(hours=hours))
        for interview_id, invited_at, hours in rows
    ]


def due_reminders(*, session: Session, now: datetime) -> list[int]:
    """Interviews not answered ``interview_reminder_hours`` after the invitation, never
    reminded; the caller claims each before sending."""
    moment = _aware(now)
    return [interview_id for interview_id, due in _reminder_times(session) if due <= moment]


def next_reminder_at(*, session: Session, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which an interview reminder falls due."""
    moment = _aware(after)
    return min((due for _id, due in _reminder_times(session) if due > moment), default=None)


def claim_reminder(*, session: Session, interview_id: int, now: datetime) -> bool:
    """Take the one reminder of an interview; False when another run took it first.

    One conditional UPDATE does it, so two runs (threads, processes, instances) racing
    for the same interview can't both win.
    """
    result = session.execute(
        update(Interview)
        .where(
            Interview.id == interview_id,
            Interview.reminded_at.is_(None),
            Interview.status != InterviewStatus.ANSWERED,
        )
        .values(reminded_at=_aware(now))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def note_reminded(*, session: Session, interview_id: int) -> None:
    """Record on the timeline that the reminder went out."""
    interview = session.get_one(Interview, interview_id)
    record(
        session=session,
        case=interview.case,
        kind=Kind.INTERVIEW_REMINDED,
        author=None,
        text=f"{interview.person.display_name} reminded of the interview",
    )
