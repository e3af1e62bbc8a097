"""The evidence behind a strategy: the open grievances it may address, and how much it covers.

A strategy is only as convincing as the grievances it answers, so its coverage is the
share of the open grievance load it addresses, weighted by severity. Confidential
grievances are left out throughout: the strategy is posted in the channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.playbook.history import OPEN_STATUSES
from storage.models import Case, Grievance, Strategy

#: Slack's static selects take at most 100 options.
MAX_OPTIONS = 100


@dataclass(frozen=True)
class Coverage:
    """How much of the open grievance load a strategy addresses, weighted by severity."""

    addressed_weight: int
    total_weight: int
    addressed_count: int
    open_count: int

    @property
    def percent(self) -> int | None:
        """Rounded half up; never 0% or 100% unless it truly is. None with nothing open."""
        if self.total_weight <= 0:
            return None
        exact = 100 * self.addressed_weight / self.total_weight
        rounded = int(exact + 0.5)
        if 0 < self.addressed_weight < self.total_weight:
            rounded = min(max(rounded, 1), 99)
        return rounded

    @property
    def sentence(self) -> str:
        """``covers 62% of open grievances by severity (3 of 5)``."""
        if self.percent is None:
            return "there are no open grievances to cover"
        return (
            f"covers {self.percent}% of open grievances by severity "
            f"({self.addressed_count} of {self.open_count})"
        )


def coverage(addressed: Sequence[tuple[int, int]], open_: Sequence[tuple[int, int]]) -> Coverage:
    """Coverage from ``(number, severity)`` pairs; addressed ones not open do not count."""
    open_numbers = {number for number, _severity in open_}
    covered = [(n, s) for n, s in addressed if n in open_numbers]
    return Coverage(
        addressed_weight=sum(s for _n, s in covered),
        total_weight=sum(s for _n, s in open_),
        addressed_count=len({n for n, _s in covered}),
        open_count=len(open_numbers),
    )


def _open_public(case: Case) -> Select[tuple[Grievance]]:
    return select(Grievance).where(
        Grievance.case_id == case.id,
        Grievance.status.in_(OPEN_STATUSES),
        Grievance.confidential.is_(False),
    )


def addressable(*, session: Session, case: Case, limit: int = MAX_OPTIONS) -> list[Grievance]:
    """Open, non-confidential grievances a strategy may address, most severe first.

    Confidential ones are left out because the strategy is posted in the channel.
    """
    query = _open_public(case).order_by(Grievance.severity.desc(), Grievance.number)
    return list(session.scalars(query.limit(limit)))


def open_count(*, session: Session, case: Case) -> int:
    """How many open, non-confidential grievances the case has (to say when some are hidden)."""
    query = select(func.count()).select_from(_open_public(case).subquery())
    return int(session.scalar(query) or 0)


def coverage_of(*, session: Session, strategy: Strategy) -> Coverage:
    """The strategy's coverage of the case's grievances as they stand now."""
    rows = session.execute(
        select(Grievance.number, Grievance.severity).where(
            Grievance.case_id == strategy.case_id,
            Grievance.status.in_(OPEN_STATUSES),
            Grievance.confidential.is_(False),
        )
    ).all()
    return coverage([(g.number, g.severity) for g in strategy.addressed], [(n, s) for n, s in rows])
