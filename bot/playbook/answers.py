"""Answers to check-ins: ratings by button, replies in the check-in's thread.

A rating is one per person per question: a later press changes it rather than adding a
second. A reply in the check-in's thread is a text answer to the check-in's first text
question (or, when it has none, to the check-in as a whole: ``question_index`` -1); each
reply is its own answer, keyed by its Slack ``ts`` so an edit updates it and a deletion
blanks it. Whoever answers becomes a stakeholder of the case.

Ratings count as each person's latest per question (``latest_ratings`` here for the
health score; ``bot.playbook.checkins.checkin_view`` for the message's tally), so even
if two presses by one person raced past each other on a database without row locks,
nobody is counted twice. The questions are read with the schedules part's
``load_questions`` so that question indexes always agree with the buttons.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ids import row_id
from bot.playbook.access import Action, allows, require
from bot.playbook.checkins import RATING, TEXT, Question, load_questions
from bot.playbook.errors import PlaybookError
from bot.playbook.stakeholders import ensure_member, membership
from storage.models import (
    Audience,
    Case,
    CaseMember,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    OccurrenceStatus,
    Person,
    Side,
)
from storage.rows import lock

RATINGS = range(1, 6)
#: ``question_index`` of a reply to a check-in that has no text question.
WHOLE_CHECKIN = -1
#: Which sides each audience asks.
AUDIENCE_SIDES: dict[Audience, frozenset[Side]] = {
    Audience.EVERYONE: frozenset({Side.CLIENT, Side.TEAM}),
    Audience.CLIENT: frozenset({Side.CLIENT}),
    Audience.TEAM: frozenset({Side.TEAM}),
}


def first_text_question(questions: Sequence[Question]) -> int:
    """Where a thread reply is filed: the first text question, else the whole check-in."""
    return next((i for i, q in enumerate(questions) if q.kind == TEXT), WHOLE_CHECKIN)


@dataclass(frozen=True)
class RatingPress:
    """A rating button's value: ``<occurrence_id>:<question_index>:<rating>``."""

    occurrence_id: int
    question_index: int
    rating: int

    @classmethod
    def parse(cls, value: str) -> RatingPress:
        """Read a button value; a malformed one is refused politely, never a crash."""
        parts = value.split(":")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise PlaybookError("That rating button is out of date; use the latest check-in.")
        occurrence_id, question_index, rating = (row_id(p) or 0 for p in parts)
        if rating not in RATINGS:
            raise PlaybookError("Ratings go from 1 to 5.")
        return cls(occurrence_id, question_index, rating)


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def posted_time(occurrence: CheckinOccurrence) -> datetime:
    """When a check-in went out (its due time if the post time was not recorded)."""
    return aware(occurrence.posted_at or occurrence.due_at)


# ---- ratings (pure) ---------------------------------------------------------------------


class RatingLike(Protocol):
    """What ``latest_ratings`` reads of an answer: ``CheckinAnswer`` rows qualify."""

    @property
    def id(self) -> int: ...

    @property
    def person_id(self) -> int: ...

    @property
    def question_index(self) -> int: ...

    @property
    def rating(self) -> int | None: ...


def latest_ratings(answers: Iterable[RatingLike]) -> dict[tuple[int, int], int]:
    """Each person's latest rating per question: ``(person_id, question_index) → rating``."""
    latest: dict[tuple[int, int], tuple[int, int]] = {}
    for answer in answers:
        if answer.rating is None:
            continue
        key = (answer.person_id, answer.question_index)
        if key not in latest or answer.id > latest[key][0]:
            latest[key] = (answer.id, answer.rating)
    return {key: rating for key, (_id, rating) in latest.items()}


# ---- storage ------------------------------------------------------------------------------


def find_by_message(*, session: Session, channel: str, ts: str) -> CheckinOccurrence | None:
    """The check-in posted as message ``ts`` in ``channel`` (the root of its thread)."""
    return session.scalar(
        select(CheckinOccurrence).where(
            CheckinOccurrence.slack_channel == channel, CheckinOccurrence.slack_ts == ts
        )
    )


def answers_to(*, session: Session, occurrence: CheckinOccurrence) -> list[CheckinAnswer]:
    """Every answer to one check-in, oldest first."""
    return list(
        session.scalars(
            select(CheckinAnswer)
            .where(CheckinAnswer.occurrence_id == occurrence.id)
            .order_by(CheckinAnswer.id)
        )
    )


def side_in_case(*, session: Session, case: Case, person: Person) -> Side:
    """The side someone speaks for in this case: their role's, else their own."""
    member = membership(session=session, case=case, person=person)
    return member.role.side if member else person.side


def sides_of(*, session: Session, case: Case, person_ids: Iterable[int]) -> dict[int, Side]:
    """``side_in_case`` of many people at once: their role's side, else their own."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Person.id, Person.side, CaseMember.role)
        .outerjoin(
            CaseMember, (CaseMember.person_id == Person.id) & (CaseMember.case_id == case.id)
        )
        .where(Person.id.in_(wanted))
    )
    return {person_id: role.side if role else side for person_id, side, role in rows}


class Rating(NamedTuple):
    """One check-in rating: the question's text, the rater's side, when it was asked, 1–5."""

    question: str
    side: Side
    when: datetime
    value: int


def ratings(*, session: Session, case: Case) -> list[Rating]:
    """Every check-in rating of the case, with the side of whoever gave it.

    Only each person's latest rating per question of a check-in counts (as in the
    check-in's own tally). The question text is read from the schedule's questions at the
    answer's index, so the same question asked by several schedules is grouped together.
    """
    rows = session.execute(
        select(
            CheckinAnswer.occurrence_id,
            CheckinAnswer.person_id,
            CheckinAnswer.question_index,
            CheckinAnswer.rating,
            CheckinOccurrence.due_at,
            CheckinSchedule.questions,
        )
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinAnswer.occurrence_id)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(CheckinSchedule.case_id == case.id, CheckinAnswer.rating.is_not(None))
        .order_by(CheckinAnswer.id)
    ).all()
    sides = sides_of(session=session, case=case, person_ids=(row.person_id for row in rows))
    latest: dict[tuple[int, int, int], Rating] = {}
    parsed: dict[str, list[Question]] = {}
    for occurrence_id, person_id, index, rating, due_at, raw in rows:
        questions = parsed.setdefault(raw, load_questions(raw))
        text = questions[index].text if 0 <= index < len(questions) else ""
        latest[(occurrence_id, person_id, index)] = Rating(
            " ".join(text.split()) or f"Question {index + 1}",
            sides[person_id],
            aware(due_at),
            int(rating),
        )
    return list(latest.values())


def in_audience(*, session: Session, schedule: CheckinSchedule, person: Person) -> bool:
    """True when the check-in asks ``person``'s side."""
    side = side_in_case(session=session, case=schedule.case, person=person)
    return side in AUDIENCE_SIDES[schedule.audience]


def _check_open(occurrence: CheckinOccurrence) -> CheckinSchedule:
    schedule = occurrence.schedule
    if occurrence.status is not OccurrenceStatus.POSTED:
        raise PlaybookError("This check-in is not open for answers.")
    if schedule.case.closed_at is not None:
        raise PlaybookError("This case is closed, so its check-ins no longer take answers.")
    return schedule


@dataclass(frozen=True)
class Rated:
    """What a press did: the rating now counted and the one it replaced, if any."""

    question: str
    rating: int
    previous: int | None

    @property
    def changed(self) -> bool:
        """False when the person pressed the rating they had already given."""
        return self.previous != self.rating


def rate(
    *,
    session: Session,
    occurrence: CheckinOccurrence,
    person: Person,
    question_index: int,
    rating: int,
    now: datetime,
) -> Rated:
    """Record ``person``'s rating of one question; a later press replaces the earlier one.

    Refused (``PlaybookError``): a check-in not posted or of a closed case, a question
    that is not a rating, a rating outside 1–5, and someone the check-in does not ask.
    """
    schedule = _check_open(occurrence)
    require(session=session, case=schedule.case, person=person, action=Action.ANSWER_CHECKIN)
    questions = load_questions(schedule.questions)
    if not 0 <= question_index < len(questions) or questions[question_index].kind != RATING:
        raise PlaybookError("That question no longer takes ratings.")
    if rating not in RATINGS:
        raise PlaybookError("Ratings go from 1 to 5.")
    if not in_audience(session=session, schedule=schedule, person=person):
        asked = {Audience.CLIENT: "the client side", Audience.TEAM: "the delivery team"}
        raise PlaybookError(
            f"This check-in asks {asked.get(schedule.audience, 'everyone')}, so your rating "
            "isn't counted here. Thank you all the same."
        )
    ensure_member(session=session, case=schedule.case, person=person)
    lock(session, occurrence)  # two presses at once: the second sees the first and replaces it
    kept = session.scalar(
        select(CheckinAnswer).where(
            CheckinAnswer.occurrence_id == occurrence.id,
            CheckinAnswer.person_id == person.id,
            CheckinAnswer.question_index == question_index,
            CheckinAnswer.rating.is_not(None),
        )
    )
    question = questions[question_index].text
    if kept is None:
        session.add(
            CheckinAnswer(
                occurrence_id=occurrence.id,
                person_id=person.id,
                question_index=question_index,
                rating=rating,
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        return Rated(question=question, rating=rating, previous=None)
    previous = kept.rating
    if previous != rating:
        kept.rating, kept.updated_at = rating, now
    session.flush()
    return Rated(question=question, rating=rating, previous=previous)


def record_reply(
    *,
    session: Session,
    occurrence: CheckinOccurrence,
    person: Person,
    ts: str,
    text: str,
    now: datetime,
) -> CheckinAnswer | None:
    """Store a reply in the check-in's thread as a text answer; None if not taken.

    A reply to a check-in of a closed case, or one that is not posted, is not an answer.
    Replies from people outside the audience are still kept: someone who speaks up in
    the thread has answered, whichever side they are on. A redelivered reply (same
    ``ts``) is stored once. Someone the policy does not let answer is not stored either
    (a thread reply has nowhere to be refused).
    """
    schedule = occurrence.schedule
    if occurrence.status is not OccurrenceStatus.POSTED or schedule.case.closed_at is not None:
        return None
    if not allows(session=session, case=schedule.case, person=person, action=Action.ANSWER_CHECKIN):
        return None
    existing = _reply_at(session=session, occurrence=occurrence, ts=ts)
    if existing is not None:
        return existing
    ensure_member(session=session, case=schedule.case, person=person)
    answer = CheckinAnswer(
        occurrence_id=occurrence.id,
        person_id=person.id,
        question_index=first_text_question(load_questions(schedule.questions)),
        text=text,
        slack_ts=ts,
        created_at=now,
        updated_at=now,
    )
    session.add(answer)
    session.flush()
    return answer


def _reply_at(*, session: Session, occurrence: CheckinOccurrence, ts: str) -> CheckinAnswer | None:
    return session.scalar(
        select(CheckinAnswer).where(
            CheckinAnswer.occurrence_id == occurrence.id, CheckinAnswer.slack_ts == ts
        )
    )


def _reply_in(*, session: Session, channel: str, ts: str) -> CheckinAnswer | None:
    return session.scalar(
        select(CheckinAnswer)
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinAnswer.occurrence_id)
        .where(CheckinOccurrence.slack_channel == channel, CheckinAnswer.slack_ts == ts)
    )


def record_edit(*, session: Session, channel: str, ts: str, text: str) -> CheckinAnswer | None:
    """An edited reply updates its answer; None when ``ts`` is not a check-in answer."""
    answer = _reply_in(session=session, channel=channel, ts=ts)
    if answer is None or answer.text == text:
        return None
    answer.text = text
    return answer


def record_deletion(*, session: Session, channel: str, ts: str) -> CheckinAnswer | None:
    """A deleted reply blanks its answer's words; the person did answer, so the row stays."""
    answer = _reply_in(session=session, channel=channel, ts=ts)
    if answer is None or answer.text == "":
        return None
    answer.text = ""
    return answer


def answered(*, session: Session, occurrence_id: int) -> set[int]:
    """Ids of the people who gave any answer (rating or reply) to one check-in."""
    return set(
        session.scalars(
            select(CheckinAnswer.person_id).where(CheckinAnswer.occurrence_id == occurrence_id)
        )
    )
