"""What a case's open grievances weigh on its health, kept as running totals.

The health score's grievance component reads the *load*: Σ severity × (1 + age / 14 days)
over the case's open, non-confidential grievances, the age counted up to 28 days. Reading
every such grievance with every change made a filing cost more as the case grew (100 ms
with 10,000 open). Instead each case keeps, per severity, a ``CaseLoad`` row:

- ``fresh_count`` and ``fresh_millis``, the count and the sum of the creation times (Unix
  milliseconds) of the grievances younger than the cap, which give their total age at any
  moment in one subtraction (n × now − Σ created);
- ``aged_count``, those created before ``aged_through``, which weigh a fixed 3 × severity.

Grievances that passed the cap since ``aged_through`` are moved to the aged count by
``age`` (each once, at most daily, so the read stays a handful of rows); ``summary``
accounts for any not moved yet without writing. A grievance remembers the severity it is
counted under (``Grievance.load_severity``), so ``settle`` takes out exactly what it put in,
whatever changed: status, severity or confidentiality. Every such change goes through
``bot.playbook.grievances``, which settles; ``recount`` rebuilds a case's totals from its
rows (for rows written some other way, and to check the totals in tests).

Confidential grievances are not counted: the score is shown to everyone, and a move nobody
can see the reason for would give them away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    Row,
    bindparam,
    case,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.playbook.history import OPEN_STATUSES
from storage.clock import utcnow
from storage.models import CaseLoad, Grievance
from storage.rows import get_or_create, plain

#: Grievance age stops adding weight after this many days; ``AGE_SCALE_DAYS`` days doubles it.
AGE_CAP_DAYS = 28
AGE_SCALE_DAYS = 14
AGE_CAP = timedelta(days=AGE_CAP_DAYS)
#: How often the grievances that passed the cap are moved to the aged counts.
AGE_EVERY = timedelta(days=1)
SEVERITIES = (1, 2, 3, 4)
_DAY = 86400.0
_DAY_MS = _DAY * 1000


@dataclass(frozen=True)
class OpenGrievance:
    """What the score reads of one open grievance (to weigh a few by hand)."""

    severity: int
    age_days: float


def weight(severity: int, age_days: float) -> float:
    """What one open grievance weighs: its severity, up to three times when old."""
    return severity * (1 + min(max(age_days, 0.0), AGE_CAP_DAYS) / AGE_SCALE_DAYS)


@dataclass(frozen=True)
class GrievanceLoad:
    """The case's counted grievances as the score reads them."""

    count: int = 0
    worst: int = 0
    oldest_days: float = 0.0
    load: float = 0.0

    @classmethod
    def of(cls, grievances: Sequence[OpenGrievance]) -> GrievanceLoad:
        """The load of grievances given one by one."""
        if not grievances:
            return cls()
        return cls(
            count=len(grievances),
            worst=max(g.severity for g in grievances),
            oldest_days=max(g.age_days for g in grievances),
            load=sum(weight(g.severity, g.age_days) for g in grievances),
        )


def counts(grievance: Grievance) -> bool:
    """Whether the grievance weighs on the case's health now."""
    return grievance.status in OPEN_STATUSES and not grievance.confidential


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _millis(moment: datetime) -> int:
    """Unix time in whole milliseconds: sums of 10,000 of them stay exact in 64 bits."""
    return int(moment.timestamp() * 1000)


def settle(*, session: Session, grievance: Grievance) -> bool:
    """Bring the case's totals in line with the grievance as it now is: after filing it,
    and after any change of its status, severity or confidentiality. True when the totals
    changed (the case's health must be recomputed)."""
    now_under = grievance.severity if counts(grievance) else None
    if grievance.load_severity == now_under:
        return False
    created = _utc(grievance.created_at)
    if grievance.load_severity is not None:
        _shift(session, grievance.case_id, grievance.load_severity, created, -1)
    if now_under is not None:
        _shift(session, grievance.case_id, now_under, created, +1)
    grievance.load_severity = now_under
    return True


#: ``_shift``'s one UPDATE, built once (filing runs it; see ``bot.playbook.people``): in the
#: aged count when ``created`` is before the row's ``aged_through``, else in the fresh ones.
_CREATED = bindparam("created", type_=DateTime(timezone=True))
_STEP = bindparam("step", type_=Integer)
_AGED = CaseLoad.aged_through > _CREATED
_SHIFT = (
    update(CaseLoad)
    .where(CaseLoad.case_id == bindparam("in_case"), CaseLoad.severity == bindparam("at_severity"))
    .values(
        aged_count=CaseLoad.aged_count + case((_AGED, _STEP), else_=0),
        fresh_count=CaseLoad.fresh_count + case((_AGED, 0), else_=_STEP),
        fresh_millis=CaseLoad.fresh_millis
        + case((_AGED, 0), else_=bindparam("millis", type_=BigInteger)),
    )
    .execution_options(synchronize_session=False)
)


def _shift(session: Session, case_id: int, severity: int, created: datetime, step: int) -> None:
    """Add (+1) or take out (−1) one grievance created at ``created``, in the aged count
    when it was created before the row's ``aged_through``, else in the fresh totals.

    One UPDATE that adds to the stored values, so two transactions changing one case never
    lose a count; the row is made (empty) the first time a severity is counted."""
    values = {
        "in_case": case_id,
        "at_severity": severity,
        "created": created,
        "step": step,
        "millis": step * _millis(created),
    }
    if plain(session).execute(_SHIFT, values).rowcount:
        return
    get_or_create(
        session,
        lambda: session.get(CaseLoad, (case_id, severity)),
        lambda: CaseLoad(
            case_id=case_id,
            severity=severity,
            fresh_count=0,
            fresh_millis=0,
            aged_count=0,
            aged_through=utcnow() - AGE_CAP,
        ),
    )
    plain(session).execute(_SHIFT, values)


#: The case's rows as stored now, as plain rows (they change by UPDATEs the session does
#: not track, so they are never read as ORM objects it may hold stale), each with the
#: creation time of its severity's oldest counted grievance: one index seek per row.
_OLDEST_OF_ROW = (
    select(func.min(Grievance.created_at))
    .where(
        Grievance.case_id == CaseLoad.case_id,
        Grievance.load_severity == CaseLoad.severity,
    )
    .correlate(CaseLoad)
    .scalar_subquery()
)
_TOTALS = select(
    CaseLoad.severity,
    CaseLoad.fresh_count,
    CaseLoad.fresh_millis,
    CaseLoad.aged_count,
    CaseLoad.aged_through,
    _OLDEST_OF_ROW.label("oldest"),
).where(CaseLoad.case_id == bindparam("case_id"))


def _totals(session: Session, case_id: int) -> list[Row[Any]]:
    return list(plain(session).execute(_TOTALS, {"case_id": case_id}))


_PASSED_CAP = select(Grievance.load_severity, Grievance.created_at).where(
    Grievance.case_id == bindparam("case_id"),
    Grievance.load_severity.in_(SEVERITIES),
    Grievance.created_at >= bindparam("since"),
    Grievance.created_at < bindparam("cutoff"),
)


def _passed_cap(
    session: Session, case_id: int, since: datetime, cutoff: datetime
) -> list[tuple[int, datetime]]:
    """(severity, created) of counted grievances created in [since, cutoff)."""
    return [
        (severity, _utc(created))
        for severity, created in plain(session).execute(
            _PASSED_CAP, {"case_id": case_id, "since": since, "cutoff": cutoff}
        )
    ]


def age(*, session: Session, case_id: int, now: datetime) -> None:
    """Move the grievances that passed the cap to the aged counts, once a day at most
    (``summary`` caps those of the last day itself, so the moves are a matter of keeping
    its window small, not of being right)."""
    _age(session, case_id, _totals(session, case_id), now)


def _age(session: Session, case_id: int, rows: list[Row[Any]], now: datetime) -> bool:
    """``age`` with the rows already read; True when it moved anything (they are stale).

    Each row moves only from the ``aged_through`` it was read with: of two transactions
    ageing one case at once, the second moves nothing twice."""
    cutoff = now - AGE_CAP
    stale = [row for row in rows if _utc(row.aged_through) < cutoff - AGE_EVERY]
    if not stale:
        return False
    moved = _passed_cap(session, case_id, min(_utc(row.aged_through) for row in stale), cutoff)
    for row in stale:
        since = _utc(row.aged_through)
        mine = [
            created for severity, created in moved if severity == row.severity and created >= since
        ]
        session.execute(
            update(CaseLoad)
            .where(
                CaseLoad.case_id == case_id,
                CaseLoad.severity == row.severity,
                CaseLoad.aged_through == row.aged_through,
            )
            .values(
                fresh_count=CaseLoad.fresh_count - len(mine),
                fresh_millis=CaseLoad.fresh_millis - sum(_millis(c) for c in mine),
                aged_count=CaseLoad.aged_count + len(mine),
                aged_through=cutoff,
            )
        )
    return True


def summary(*, session: Session, case_id: int, now: datetime) -> GrievanceLoad:
    """The case's load at ``now`` from its totals (a read: nothing is written)."""
    return _summarise(session, case_id, _totals(session, case_id), now)


def current(*, session: Session, case_id: int, now: datetime) -> GrievanceLoad:
    """``age`` then ``summary``, reading the totals once when nothing was due to age (a
    rescore, in a write transaction)."""
    rows = _totals(session, case_id)
    if _age(session, case_id, rows, now):
        rows = _totals(session, case_id)
    return _summarise(session, case_id, rows, now)


def _summarise(
    session: Session, case_id: int, stored: list[Row[Any]], now: datetime
) -> GrievanceLoad:
    rows = [row for row in stored if row.fresh_count or row.aged_count]
    if not rows:
        return GrievanceLoad()
    cutoff = now - AGE_CAP
    oldest = min((_utc(row.oldest) for row in rows if row.oldest is not None), default=now)
    # Only a grievance older than the cap can have passed it unmoved: none in a young case.
    since = min(_utc(row.aged_through) for row in rows)
    late = _passed_cap(session, case_id, since, cutoff) if oldest < cutoff else []
    load = 0.0
    for row in rows:
        fresh_age = (row.fresh_count * _millis(now) - row.fresh_millis) / _DAY_MS
        load += row.severity * (row.fresh_count + fresh_age / AGE_SCALE_DAYS)
        load += weight(row.severity, AGE_CAP_DAYS) * row.aged_count
        for severity, created in late:  # past the cap but not moved yet: capped here
            if severity == row.severity and created >= _utc(row.aged_through):
                days = (now - created).total_seconds() / _DAY
                load -= severity * (days - AGE_CAP_DAYS) / AGE_SCALE_DAYS
    return GrievanceLoad(
        count=sum(row.fresh_count + row.aged_count for row in rows),
        worst=max(row.severity for row in rows),
        oldest_days=(now - oldest).total_seconds() / _DAY,
        load=load,
    )


def recount(*, session: Session, case_id: int, now: datetime) -> None:
    """Rebuild the case's totals from its grievances, as if each had been settled."""
    session.execute(delete(CaseLoad).where(CaseLoad.case_id == case_id))
    session.execute(
        update(Grievance).where(Grievance.case_id == case_id).values(load_severity=None)
    )
    session.expire_all()
    for grievance in session.scalars(select(Grievance).where(Grievance.case_id == case_id)):
        settle(session=session, grievance=grievance)
    session.flush()
    age(session=session, case_id=case_id, now=now)
