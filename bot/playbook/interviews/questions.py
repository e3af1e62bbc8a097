"""Which questions an interview asks, and which side's questions a person answers.

Each side has the playbook's default set, phrased for it, unless a lead gave the case its
own. The questions are copied onto an interview when it is created
(``bot.playbook.interviews.invitations``), so a lead's edits only change the next
invitations. The same form sets how long after the invitation someone who has not
answered is reminded (``bot.playbook.interviews.reminders``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.errors import PlaybookError
from bot.playbook.stakeholders import membership
from bot.playbook.timeline import Kind, record
from storage.models import Case, InterviewQuestions, Person, Role, Side

MAX_QUESTIONS = 10
MAX_QUESTION_LENGTH = 300
MIN_REMINDER_HOURS = 1
#: Thirty days: a reminder later than that reminds nobody of anything.
MAX_REMINDER_HOURS = 720

#: The playbook's questions, phrased for the side that answers them.
DEFAULT_QUESTIONS: dict[Side, tuple[str, ...]] = {
    Side.CLIENT: (
        "What went wrong, from your point of view?",
        "What matters most to you now?",
        "How will you judge that the recovery is a success?",
        "What used to work well between us, that we should keep?",
        "What would make you confident in our plan?",
    ),
    Side.TEAM: (
        "What went wrong, from where you stand?",
        "What matters most to you now, for this client?",
        "How will you judge that the recovery is a success?",
        "What used to work well with this client?",
        "What would make you confident in the plan?",
    ),
}

_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")


class QuestionsError(PlaybookError):
    """The question set or reminder delay is not usable; ``fields`` says where and why.

    Keys are ``"client"``, ``"team"`` and ``"hours"``, so a modal can show each message
    under its own input.
    """

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields


def questions_for(*, session: Session, case: Case, side: Side) -> list[str]:
    """The case's own questions for ``side``, or the playbook's default set."""
    custom = session.scalar(
        select(InterviewQuestions.questions).where(
            InterviewQuestions.case_id == case.id, InterviewQuestions.side == side
        )
    )
    return parse_questions(custom) if custom else list(DEFAULT_QUESTIONS[side])


def parse_questions(text: str | None) -> list[str]:
    """One question per non-blank line; list bullets and numbers are dropped."""
    lines = (_BULLET.sub("", line) for line in (text or "").splitlines())
    return [" ".join(line.split()) for line in lines if line.strip()]


def question_problem(questions: Sequence[str]) -> str | None:
    """Why a question set can't be used, in a sentence for the person editing it."""
    if not questions:
        return "Give at least one question, one per line."
    if len(questions) > MAX_QUESTIONS:
        return f"Keep it to {MAX_QUESTIONS} questions (there are {len(questions)})."
    for number, question in enumerate(questions, start=1):
        if len(question) > MAX_QUESTION_LENGTH:
            return (
                f"Question {number} has {len(question)} characters; "
                f"keep each under {MAX_QUESTION_LENGTH + 1}."
            )
    return None


def parse_hours(value: object) -> int | None:
    """A whole number of hours within the allowed range, or None."""
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"\d{1,4}", text):
        return None
    hours = int(text)
    return hours if MIN_REMINDER_HOURS <= hours <= MAX_REMINDER_HOURS else None


def set_questions(
    *,
    session: Session,
    case: Case,
    actor: Person,
    client: str | None,
    team: str | None,
    reminder_hours: object,
) -> bool:
    """A lead replaces the question sets (raw text, one per line) and the reminder delay.

    A set equal to the default is stored as no set at all, so the case follows the
    playbook again. Interviews already sent keep their questions. False when nothing
    changed.
    """
    require(session=session, case=case, person=actor, action=Action.EDIT_INTERVIEW_QUESTIONS)
    wanted = {Side.CLIENT: parse_questions(client), Side.TEAM: parse_questions(team)}
    problems = {
        side.value: problem
        for side, questions in wanted.items()
        if (problem := question_problem(questions))
    }
    hours = parse_hours(reminder_hours)
    if hours is None:
        problems["hours"] = (
            f"Give a whole number of hours from {MIN_REMINDER_HOURS} to {MAX_REMINDER_HOURS}."
        )
    if problems:
        raise QuestionsError(problems)
    assert hours is not None
    changed: list[str] = []
    for side, questions in wanted.items():
        if questions == questions_for(session=session, case=case, side=side):
            continue
        changed.append(f"{side.value} side: {len(questions)} questions")
        session.execute(
            delete(InterviewQuestions).where(
                InterviewQuestions.case_id == case.id, InterviewQuestions.side == side
            )
        )
        if questions != list(DEFAULT_QUESTIONS[side]):
            session.add(
                InterviewQuestions(case_id=case.id, side=side, questions="\n".join(questions))
            )
    if hours != case.interview_reminder_hours:
        changed.append(f"reminder after {hours} hours")
        case.interview_reminder_hours = hours
    if not changed:
        return False
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.QUESTIONS_CHANGED,
        author=actor,
        text="Interview questions changed: " + "; ".join(changed),
    )
    return True


# ---- who, and on which side ----------------------------------------------------------


def role_of(*, session: Session, case: Case, person: Person) -> Role:
    """The person's role in the case; someone not (or no longer) a stakeholder gets
    the plain member role of their side."""
    member = membership(session=session, case=case, person=person)
    if member is not None:
        return member.role
    return Role.CLIENT_MEMBER if person.side is Side.CLIENT else Role.TEAM_MEMBER


def side_of(*, session: Session, case: Case, person: Person) -> Side:
    """The side whose questions a person answers: their role's, else their profile's."""
    return role_of(session=session, case=case, person=person).side
