"""What a posted check-in shows: its questions and, for each rating, the tally so far.

The message is rebuilt from a ``CheckinView`` after each rating, so it is read here in
one transaction into plain values for the Block Kit builder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.checkins.manage import cadence_of
from bot.playbook.checkins.questions import RATING, load_questions
from bot.playbook.commitment_tally import Upcoming, upcoming
from bot.playbook.schedules import as_utc, zone
from storage.models import Audience, CheckinAnswer, CheckinOccurrence, Person


@dataclass(frozen=True)
class Tally:
    """Ratings given to one question: counts for 1–5 and, with an open tally, who gave them."""

    counts: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    #: Display names per rating (1–5); empty unless the schedule's tally is open.
    names: tuple[tuple[str, ...], ...] = ((), (), (), (), ())

    @classmethod
    def of(
        cls, counts: Mapping[int, int], names: Mapping[int, Sequence[str]] | None = None
    ) -> Tally:
        """From ``{rating: count}`` and ``{rating: names}``, as ``bot.playbook.answers`` tallies."""
        who = names or {}
        return cls(
            counts=(
                counts.get(1, 0),
                counts.get(2, 0),
                counts.get(3, 0),
                counts.get(4, 0),
                counts.get(5, 0),
            ),
            names=tuple(tuple(who.get(r, ())) for r in range(1, 6)),
        )

    @property
    def total(self) -> int:
        """How many people rated."""
        return sum(self.counts)

    @property
    def average(self) -> float | None:
        """The mean rating, or None before anyone rated."""
        if not self.total:
            return None
        return sum(n * c for n, c in enumerate(self.counts, 1)) / self.total


@dataclass(frozen=True)
class ViewQuestion:
    """A question as posted: its index in the schedule's list, and its tally if a rating."""

    index: int
    kind: str
    text: str
    tally: Tally | None = None


@dataclass(frozen=True)
class CheckinView:
    """Everything the check-in message shows; rebuilt after each rating to update it."""

    occurrence_id: int
    schedule_id: int
    client_name: str
    audience: Audience
    due_at: datetime
    timezone: str
    cadence: str
    late: bool
    open_tally: bool
    questions: tuple[ViewQuestion, ...]
    #: The case's open commitments due within a week of the check-in, or overdue.
    due_soon: tuple[Upcoming, ...] = ()

    @property
    def due_local(self) -> str:
        """The due time on the schedule's clock, ``09:30``."""
        return as_utc(self.due_at).astimezone(zone(self.timezone)).strftime("%H:%M")


def tallies(*, session: Session, occurrence_id: int, open_tally: bool) -> dict[int, Tally]:
    """Per question index, each person's latest rating (a changed mind counts once).

    Latest by answer id, as ``bot.playbook.answers`` counts, so both agree.
    """
    rows = session.execute(
        select(
            CheckinAnswer.person_id,
            CheckinAnswer.question_index,
            CheckinAnswer.rating,
            Person.display_name,
        )
        .join(Person, Person.id == CheckinAnswer.person_id)
        .where(CheckinAnswer.occurrence_id == occurrence_id, CheckinAnswer.rating.is_not(None))
        .order_by(CheckinAnswer.id)
    ).all()
    latest_rating: dict[tuple[int, int], tuple[int, str]] = {}
    for person_id, index, rating, name in rows:
        if rating is not None and 1 <= rating <= 5:
            latest_rating[(index, person_id)] = (rating, name)
    counts: dict[int, list[int]] = {}
    names: dict[int, list[list[str]]] = {}
    for (index, _person), (rating, name) in sorted(latest_rating.items()):
        counts.setdefault(index, [0] * 5)[rating - 1] += 1
        if open_tally:
            names.setdefault(index, [[] for _ in range(5)])[rating - 1].append(name)
    result: dict[int, Tally] = {}
    for index, per_rating in counts.items():
        who = names.get(index, [[] for _ in range(5)])
        result[index] = Tally(
            counts=(per_rating[0], per_rating[1], per_rating[2], per_rating[3], per_rating[4]),
            names=tuple(tuple(sorted(n)) for n in who),
        )
    return result


def checkin_view(*, session: Session, occurrence_id: int) -> CheckinView:
    """The check-in message's content for ``occurrence_id``, with the ratings so far."""
    occurrence = session.get_one(CheckinOccurrence, occurrence_id)
    schedule = occurrence.schedule
    counted = tallies(session=session, occurrence_id=occurrence_id, open_tally=schedule.open_tally)
    questions = tuple(
        ViewQuestion(
            index=index,
            kind=question.kind,
            text=question.text,
            tally=counted.get(index, Tally()) if question.kind == RATING else None,
        )
        for index, question in enumerate(load_questions(schedule.questions))
    )
    return CheckinView(
        occurrence_id=occurrence.id,
        schedule_id=schedule.id,
        client_name=schedule.case.client_name,
        audience=schedule.audience,
        due_at=as_utc(occurrence.due_at),
        timezone=schedule.timezone,
        cadence=cadence_of(schedule),
        late=occurrence.late,
        open_tally=schedule.open_tally,
        questions=questions,
        due_soon=tuple(
            upcoming(
                session=session,
                case_id=schedule.case_id,
                today=as_utc(occurrence.due_at).astimezone(zone(schedule.timezone)).date(),
            )
        ),
    )
