"""How the client pulse reads: each round's average, how many answered of how many asked.

Kept apart from ``bot.playbook.pulse`` (which rescores health, and so cannot be imported
by it). Only people who are on the client side of the case *now* count, asked or answered:
someone whose side was corrected after answering no longer speaks for the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from bot.playbook.schedules.due import as_utc
from bot.vocabulary import Role
from storage.models import CaseMember, PulseReply, PulseRound
from storage.rows import plain

CLIENT_ROLES = (Role.CLIENT_LEADER, Role.CLIENT_MEMBER)
#: A change smaller than this reads as steady.
STEADY = 0.25


@dataclass(frozen=True)
class RoundResult:
    """One round as everyone may read it: never who gave what."""

    number: int
    sent_at: datetime
    asked: int
    answered: int
    #: Sum of the ratings given (the average is ``total / answered``).
    total: int

    @property
    def average(self) -> float | None:
        return self.total / self.answered if self.answered else None


#: A rating whose person is a client-side member now; NULL (not counted) otherwise.
_COUNTED = case((CaseMember.id.is_not(None), PulseReply.rating))
_ROUNDS = (
    select(
        PulseRound.number,
        PulseRound.sent_at,
        func.count(CaseMember.id),
        func.count(_COUNTED),
        func.coalesce(func.sum(_COUNTED), 0),
    )
    .outerjoin(PulseReply, PulseReply.round_id == PulseRound.id)
    .outerjoin(
        CaseMember,
        (CaseMember.case_id == PulseRound.case_id)
        & (CaseMember.person_id == PulseReply.person_id)
        & CaseMember.role.in_(CLIENT_ROLES),
    )
    .where(PulseRound.case_id == bindparam("case_id"))
    .group_by(PulseRound.id, PulseRound.number, PulseRound.sent_at)
    .order_by(PulseRound.number)
)


def results(*, session: Session, case_id: int) -> list[RoundResult]:
    """Every round of the case, oldest first.

    A person counts, asked or answered, only while they are a client-side member: the
    outer join to ``case_member`` finds no row otherwise, and ``count`` skips its NULLs.
    """
    rows = plain(session).execute(_ROUNDS, {"case_id": case_id}).all()
    return [
        RoundResult(number, as_utc(sent_at), asked, answered, int(total))
        for number, sent_at, asked, answered, total in rows
    ]


def latest_answered(rounds: list[RoundResult]) -> tuple[RoundResult, RoundResult | None] | None:
    """The newest round anyone answered, and the answered one before it (for the trend)."""
    answered = [r for r in rounds if r.answered]
    if not answered:
        return None
    return answered[-1], (answered[-2] if len(answered) > 1 else None)


def change_words(now: RoundResult, before: RoundResult | None) -> str:
    """``up from 3.0`` / ``down from 4.2`` / ``steady`` against the previous round."""
    if before is None or now.average is None or before.average is None:
        return ""
    moved = now.average - before.average
    if abs(moved) < STEADY:
        return f"steady ({before.average:.1f} before)"
    return f"{'up' if moved > 0 else 'down'} from {before.average:.1f}"
