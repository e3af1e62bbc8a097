"""The case's commitments with the grievances each answers; internal ones only for an
export that includes confidential items (the client side never reads them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.export import rules
from bot.export.gather.people import People
from bot.export.model import CommitmentRecord
from bot.export.stored import as_utc, as_utc_or_none
from storage.models import Commitment, CommitmentGrievance, Grievance


def load_commitments(session: Session, case_id: int) -> list[Commitment]:
    """The case's commitments by number, read before the people they name."""
    return list(
        session.scalars(
            select(Commitment).where(Commitment.case_id == case_id).order_by(Commitment.number)
        )
    )


def person_ids(commitments: Sequence[Commitment]) -> Iterator[int | None]:
    """Everyone the commitments name: owners, who recorded them, who marked them done."""
    for c in commitments:
        yield from (c.owner_id, c.created_by_id, c.done_by_id)


def commitment_records(
    session: Session,
    case_id: int,
    commitments: Sequence[Commitment],
    people: People,
    confidentiality: rules.Confidentiality,
) -> list[CommitmentRecord]:
    """The commitments this export may show, with the grievances they answer."""
    answers, withheld = confidentiality.addressed(
        session.execute(
            select(CommitmentGrievance.commitment_id, Grievance.id, Grievance.number)
            .join(Grievance, Grievance.id == CommitmentGrievance.grievance_id)
            .where(Grievance.case_id == case_id)
            .order_by(CommitmentGrievance.commitment_id, Grievance.number)
        ).tuples()
    )
    return [
        CommitmentRecord(
            id=c.id,
            number=c.number,
            text=c.text,
            owner=people.ref(c.owner_id),
            created_by=people.ref(c.created_by_id),
            due=c.due,
            internal=c.internal,
            created_at=as_utc(c.created_at),
            done_at=as_utc_or_none(c.done_at),
            done_by=people.ref(c.done_by_id),
            done_note=c.done_note,
            reminded_eve=c.reminded_eve,
            reminded_day=c.reminded_day,
            overdue_told=c.overdue_told,
            slack_channel=c.slack_channel,
            slack_ts=c.slack_ts,
            answers=answers.get(c.id, ()),
            withheld_answers=withheld.get(c.id, 0),
        )
        for c in commitments
        if confidentiality.include_confidential or not c.internal
    ]
