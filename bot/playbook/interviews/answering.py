"""Answering an interview: what its DM and modal show, and saving what the person wrote.

Only the person invited may open or answer their interview. Each answer is kept with the
question text it was asked with; finishing records one timeline entry, without the
answers, and naming nobody when the person asked to be anonymous.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.playbook.access import Action, require
from bot.playbook.errors import PlaybookError
from bot.playbook.interviews.questions import side_of
from bot.playbook.timeline import Kind, record
from storage.clock import utcnow
from storage.models import Interview, InterviewStatus, Person, Side

#: Slack caps a plain_text_input at 3,000 characters; an answer is one input.
MAX_ANSWER_LENGTH = 3000


@dataclass(frozen=True)
class InterviewCard:
    """Everything the DM and the modal show of one interview, read in one transaction."""

    interview_id: int
    client_name: str
    person_name: str
    user_id: str | None
    inviter_name: str | None
    side: Side
    status: InterviewStatus
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    anonymous: bool
    reminded: bool
    dm_channel: str | None = None
    dm_ts: str | None = None

    @property
    def answered_count(self) -> int:
        """How many questions have a non-blank answer."""
        return sum(1 for answer in self.answers if answer.strip())


def card(*, session: Session, interview_id: int) -> InterviewCard:
    """The interview as the DM and the modal show it."""
    interview = session.scalar(
        select(Interview)
        .options(
            joinedload(Interview.person),
            joinedload(Interview.case),
            selectinload(Interview.answers),
        )
        .where(Interview.id == interview_id)
    )
    if interview is None:
        raise PlaybookError("That interview no longer exists.")
    inviter = session.get(Person, interview.invited_by_id) if interview.invited_by_id else None
    return InterviewCard(
        interview_id=interview.id,
        client_name=interview.case.client_name,
        person_name=interview.person.display_name,
        user_id=interview.person.slack_user_id,
        inviter_name=inviter.display_name if inviter else None,
        side=side_of(session=session, case=interview.case, person=interview.person),
        status=interview.status,
        questions=tuple(a.question for a in interview.answers),
        answers=tuple(a.answer for a in interview.answers),
        anonymous=interview.anonymous,
        reminded=interview.reminded_at is not None,
        dm_channel=interview.dm_channel,
        dm_ts=interview.dm_ts,
    )


def card_for(*, session: Session, interview_id: int, user_id: str) -> InterviewCard:
    """The interview, for the one person it belongs to (nobody else may open it)."""
    found = card(session=session, interview_id=interview_id)
    if found.user_id != user_id:
        raise PlaybookError("This interview was sent to someone else, so only they can open it.")
    interview = session.get_one(Interview, interview_id)
    require(
        session=session,
        case=interview.case,
        person=interview.person,
        action=Action.ANSWER_INTERVIEW,
    )
    return found


class AnswersError(PlaybookError):
    """Answers that can't be saved as asked (e.g. finishing with nothing answered)."""


@dataclass(frozen=True)
class SaveOutcome:
    """The interview after a save, and whether this save finished it."""

    card: InterviewCard
    finished_now: bool


def save_answers(
    *,
    session: Session,
    interview_id: int,
    user_id: str,
    answers: Sequence[str],
    anonymous: bool,
    finish: bool,
    now: datetime | None = None,
) -> SaveOutcome:
    """Store the person's answers (by position); ``finish`` marks the interview answered.

    Saving to come back later keeps it in progress; once answered, it stays answered
    (later edits only change the text). Finishing records one timeline entry, without
    the answers, naming only the role when the person asked to be anonymous.
    """
    interview = session.scalar(
        select(Interview)
        .options(
            joinedload(Interview.person),
            joinedload(Interview.case),
            selectinload(Interview.answers),
        )
        .where(Interview.id == interview_id)
    )
    if interview is None:
        raise PlaybookError("That interview no longer exists.")
    if interview.person.slack_user_id != user_id:
        raise PlaybookError("This interview was sent to someone else, so only they can answer it.")
    require(
        session=session,
        case=interview.case,
        person=interview.person,
        action=Action.ANSWER_INTERVIEW,
    )
    cleaned = [(text or "").strip()[:MAX_ANSWER_LENGTH] for text in answers]
    if finish and not any(cleaned):
        raise AnswersError("Answer at least one question, or choose to save and come back later.")
    for row in interview.answers:
        if row.position - 1 < len(cleaned):
            row.answer = cleaned[row.position - 1]
    interview.anonymous = anonymous
    finished_now = finish and interview.status is not InterviewStatus.ANSWERED
    if finished_now:
        interview.status = InterviewStatus.ANSWERED
        interview.answered_at = now or utcnow()
        # Not even the role: with one client leader, "a client leader answered" names them.
        record(
            session=session,
            case=interview.case,
            kind=Kind.INTERVIEW_ANSWERED,
            author=None if anonymous else interview.person,
            text="An interview was answered anonymously"
            if anonymous
            else f"{interview.person.display_name} answered the interview",
        )
    elif interview.status is InterviewStatus.INVITED:
        interview.status = InterviewStatus.IN_PROGRESS
    session.flush()
    return SaveOutcome(card(session=session, interview_id=interview.id), finished_now)
