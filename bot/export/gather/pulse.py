"""The case's client pulse rounds with every reply: two queries, any number of rounds.

Replies are exported by name (:mod:`bot.export.rules`): the DM that asked told each
person that the leads read who said what.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bot.export.gather.people import People
from bot.export.gather.rows import grouped
from bot.export.model import PulseReplyRecord, PulseRoundRecord
from bot.export.stored import as_utc, as_utc_or_none
from storage.models import PulseReply, PulseRound


@dataclass(frozen=True, slots=True)
class PulseRows:
    """A case's rounds and their replies (by round id), read before the people."""

    rounds: list[PulseRound]
    replies: dict[int, list[Row[Any]]]

    def person_ids(self) -> Iterator[int | None]:
        """Everyone these rows name: who sent a round early, everyone asked."""
        yield from (r.sent_by_id for r in self.rounds)
        for rows in self.replies.values():
            yield from (row.person_id for row in rows)


def load_pulse(session: Session, case_id: int) -> PulseRows:
    """The rounds by number, and every reply in the order people were asked."""
    rounds = list(
        session.scalars(
            select(PulseRound).where(PulseRound.case_id == case_id).order_by(PulseRound.number)
        )
    )
    replies = session.execute(
        select(
            PulseReply.id,
            PulseReply.round_id,
            PulseReply.person_id,
            PulseReply.rating,
            PulseReply.comment,
            PulseReply.answered_at,
            PulseReply.dm_channel,
            PulseReply.dm_ts,
        )
        .join(PulseRound, PulseRound.id == PulseReply.round_id)
        .where(PulseRound.case_id == case_id)
        .order_by(PulseReply.round_id, PulseReply.id)
    )
    return PulseRows(rounds, grouped(replies, "round_id"))


def pulse_records(rows: PulseRows, people: People) -> list[PulseRoundRecord]:
    """Each round with its replies."""
    return [
        PulseRoundRecord(
            id=r.id,
            number=r.number,
            sent_at=as_utc(r.sent_at),
            sent_by=people.ref(r.sent_by_id),
            replies=[
                PulseReplyRecord(
                    id=reply.id,
                    person=people.required(reply.person_id, f"pulse reply {reply.id}"),
                    rating=reply.rating,
                    comment=reply.comment,
                    answered_at=as_utc_or_none(reply.answered_at),
                    dm_channel=reply.dm_channel,
                    dm_ts=reply.dm_ts,
                )
                for reply in rows.replies.get(r.id, [])
            ],
        )
        for r in rows.rounds
    ]
