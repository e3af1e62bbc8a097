"""The stakeholders' closing ratings: named ones in order, then the anonymous ones as the
anonymity rule has them (:mod:`bot.export.rules`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.export import rules
from bot.export.gather.people import People, Roles
from bot.export.model import FinalRatingRecord
from bot.export.stored import as_utc, as_utc_or_none
from storage.models import FinalRating


def load_ratings(session: Session, case_id: int) -> list[FinalRating]:
    """The case's final ratings in the order they were asked for, read before the people."""
    return list(
        session.scalars(
            select(FinalRating).where(FinalRating.case_id == case_id).order_by(FinalRating.id)
        )
    )


def rating_records(
    ratings: Sequence[FinalRating], people: People, roles: Roles
) -> list[FinalRatingRecord]:
    """Named ratings in order, then anonymous ones by the anonymity rule, by score."""
    speakers = roles.speakers(
        r.person_id for r in ratings if r.anonymous and r.answered_at is not None
    )
    named = [
        FinalRatingRecord(
            id=rating.id,
            person=(person := people.required(rating.person_id, "a final rating")),
            speaker=person.display_name,
            anonymous=False,
            rating=rating.rating,
            comment=rating.comment,
            requested_at=as_utc(rating.requested_at),
            answered_at=as_utc_or_none(rating.answered_at),
        )
        for rating in ratings
        if not rating.anonymous
    ]
    hidden = [
        rules.anonymous_rating(
            rating=rating.rating,
            comment=rating.comment,
            requested_at=as_utc(rating.requested_at),
            speaker=speakers.get(rating.person_id),
        )
        for rating in ratings
        if rating.anonymous
    ]
    hidden.sort(key=rules.rating_order)
    return named + hidden
