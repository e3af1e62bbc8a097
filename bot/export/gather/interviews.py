"""Interviews: the case's own questions, and what each stakeholder answered.

Named interviews come first in invitation order; anonymous ones follow as the anonymity
rule has them (:mod:`bot.export.rules`), so their place gives nobody away.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.export import rules
from bot.export.gather.people import People, Roles
from bot.export.model import AnswerRecord, InterviewRecord, QuestionSetRecord
from bot.export.stored import as_utc, as_utc_or_none, split_lines
from storage.models import Interview, InterviewAnswer, InterviewQuestions, InterviewStatus


def load_interviews(session: Session, case_id: int) -> list[Interview]:
    """The case's interviews in invitation order, read before the people."""
    return list(
        session.scalars(
            select(Interview).where(Interview.case_id == case_id).order_by(Interview.id)
        )
    )


def question_sets(session: Session, case_id: int) -> list[QuestionSetRecord]:
    """The case's own question sets, client side first; absent sides use the defaults."""
    rows = session.execute(
        select(InterviewQuestions.id, InterviewQuestions.side, InterviewQuestions.questions)
        .where(InterviewQuestions.case_id == case_id)
        .order_by(InterviewQuestions.side, InterviewQuestions.id)
    )
    return [
        QuestionSetRecord(id=row.id, side=row.side.value, questions=split_lines(row.questions))
        for row in rows
    ]


def interview_records(
    session: Session,
    case_id: int,
    interviews: Sequence[Interview],
    people: People,
    roles: Roles,
) -> list[InterviewRecord]:
    """Interviews with their answers, all answers of the case read in one query."""
    answers = _answers(session, case_id)
    speakers = roles.speakers(
        i.person_id for i in interviews if i.anonymous and i.status is InterviewStatus.ANSWERED
    )
    named = [
        InterviewRecord(
            id=interview.id,
            person=(person := people.required(interview.person_id, "an interview")),
            speaker=person.display_name,
            anonymous=False,
            invited_by=people.ref(interview.invited_by_id),
            status=interview.status.value,
            invited_at=as_utc(interview.invited_at),
            answered_at=as_utc_or_none(interview.answered_at),
            reminded_at=as_utc_or_none(interview.reminded_at),
            dm_channel=interview.dm_channel,
            dm_ts=interview.dm_ts,
            answers=tuple(answers.get(interview.id, ())),
        )
        for interview in interviews
        if not interview.anonymous
    ]
    hidden = [
        rules.anonymous_interview(
            status=interview.status.value,
            answers=answers.get(interview.id, ()),
            speaker=speakers.get(interview.person_id),
        )
        for interview in interviews
        if interview.anonymous
    ]
    hidden.sort(key=rules.interview_order)
    return named + hidden


def _answers(session: Session, case_id: int) -> dict[int, list[AnswerRecord]]:
    """Every interview answer of the case, by interview, in question order."""
    rows = session.execute(
        select(
            InterviewAnswer.id,
            InterviewAnswer.interview_id,
            InterviewAnswer.position,
            InterviewAnswer.question,
            InterviewAnswer.answer,
            InterviewAnswer.updated_at,
        )
        .join(Interview, Interview.id == InterviewAnswer.interview_id)
        .where(Interview.case_id == case_id)
        .order_by(InterviewAnswer.interview_id, InterviewAnswer.position)
    )
    answers: dict[int, list[AnswerRecord]] = {}
    for row in rows:
        answers.setdefault(row.interview_id, []).append(
            AnswerRecord(
                id=row.id,
                position=row.position,
                question=row.question,
                answer=row.answer,
                updated_at=as_utc(row.updated_at),
            )
        )
    return answers
