"""How a case's commitments stand: kept, late, overdue, open, due soon.

What health and the digest count, kept apart from ``bot.playbook.commitments`` (which
rescores health, and so cannot be imported by it). Internal commitments are counted only
for readers who may see them: health and the digest are read by the client side, so they
never count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import Case, Commitment
from storage.rows import plain

#: "Due soon": within this many days from today, open.
SOON = timedelta(days=7)

_OF_CASE = select(Commitment.due, Commitment.done_at, Commitment.internal).where(
    Commitment.case_id == bindparam("case_id")
)


def case_zone(case: Case) -> ZoneInfo:
    """The case's time zone (its digest's), in which due days are counted."""
    try:
        return ZoneInfo(case.digest_timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def case_today(case: Case, now: datetime) -> date:
    """Today in the case's time zone."""
    return now.astimezone(case_zone(case)).date()


@dataclass(frozen=True)
class Tally:
    """Counts of a case's commitments on one day."""

    kept: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    #: Open, and due within ``SOON`` (overdue ones excluded).
    due_soon: int = 0

    @property
    def due_so_far(self) -> int:
        """Those whose day has come: done (either way) or overdue."""
        return self.kept + self.late + self.overdue

    @property
    def total(self) -> int:
        return self.kept + self.late + self.overdue + self.open


def _day(moment: datetime, zone: ZoneInfo) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).date()


def tally(
    *, session: Session, case_id: int, today: date, zone: ZoneInfo, internal: bool = False
) -> Tally:
    """The case's commitments on ``today`` (its time zone ``zone``); ``internal`` ones
    only when asked for."""
    kept = late = overdue = still_open = soon = 0
    for due, done_at, is_internal in plain(session).execute(_OF_CASE, {"case_id": case_id}):
        if is_internal and not internal:
            continue
        if done_at is not None:
            if _day(done_at, zone) <= due:
                kept += 1
            else:
                late += 1
        elif today > due:
            overdue += 1
        else:
            still_open += 1
            soon += due - today <= SOON
    return Tally(kept=kept, late=late, overdue=overdue, open=still_open, due_soon=soon)


@dataclass(frozen=True)
class Upcoming:
    """An open commitment the client side may see, as a check-in lists it."""

    number: int
    owner: str
    text: str
    due: date
    overdue: bool


def upcoming(*, session: Session, case_id: int, today: date) -> list[Upcoming]:
    """Open commitments the client side may see that are overdue or due within ``SOON``
    of ``today``, by due day: what a check-in reminds everyone of."""
    rows = session.scalars(
        select(Commitment)
        .where(
            Commitment.case_id == case_id,
            Commitment.done_at.is_(None),
            Commitment.internal.is_(False),
            Commitment.due <= today + SOON,
        )
        .order_by(Commitment.due, Commitment.number)
    )
    return [
        Upcoming(
            number=c.number,
            owner=c.owner.display_name if c.owner else "someone",
            text=c.text,
            due=c.due,
            overdue=c.due < today,
        )
        for c in rows
    ]
