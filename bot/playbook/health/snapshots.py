"""Storing a case's health as snapshots (its history), and reading the trend back.

A snapshot is kept only when the value changed, by whatever changed an input
(``rescore``, in that change's transaction) or by the scheduler as time passes
(``recompute``); ``report`` is what the status command and the App Home show.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from bot.playbook import load
from bot.playbook.answers import aware
from bot.playbook.health.formula import HealthScore, Trend, silence_sentence
from bot.playbook.health.inputs import Silence, assess
from storage.models import Case, HealthSnapshot
from storage.rows import plain

logger = logging.getLogger("grievance_bot.health")


#: Built once: every change that moves health reads it (see ``bot.playbook.people``).
_LATEST = (
    select(HealthSnapshot)
    .where(HealthSnapshot.case_id == bindparam("case_id"))
    .order_by(HealthSnapshot.id.desc())
    .limit(1)
)


def latest_snapshot(*, session: Session, case: Case) -> HealthSnapshot | None:
    """The case's most recent snapshot, if its health was ever computed."""
    return session.scalar(_LATEST, {"case_id": case.id})


#: ``store``'s two statements, built once: the latest value, and a new snapshot.
_LATEST_SCORE = (
    select(HealthSnapshot.score)
    .where(HealthSnapshot.case_id == bindparam("case_id"))
    .order_by(HealthSnapshot.id.desc())
    .limit(1)
)
_ADD = insert(HealthSnapshot)


def store(*, session: Session, case: Case, result: HealthScore, now: datetime) -> None:
    """Keep ``result`` as a snapshot unless the latest one has the same value."""
    connection = plain(session)
    if connection.scalar(_LATEST_SCORE, {"case_id": case.id}) == result.value:
        return
    connection.execute(
        _ADD,
        {
            "case_id": case.id,
            "score": result.value,
            "components": json.dumps({"points": result.components, "reasons": result.reasons}),
            "computed_at": aware(now),
        },
    )


def recompute(*, session: Session, case: Case, now: datetime) -> None:
    """Compute the case's health and store a snapshot if the value changed.

    Called by whatever changed an input, in its own transaction (filing or moving a
    grievance, a vote, a strategy, a check-in answer) and by the scheduler as time passes
    (grievances age, check-ins settle): there is no hidden hook."""
    grievances = load.current(session=session, case_id=case.id, now=aware(now))
    store(
        session=session,
        case=case,
        result=assess(session=session, case=case, now=now, grievances=grievances).score,
        now=now,
    )


def rescore(*, session: Session, case: Case, now: datetime) -> None:
    """``recompute`` for whatever just changed an input, in the change's own transaction:
    in a SAVEPOINT, its errors logged and never raised, because a bug in the score must
    not lose the grievance, vote or answer that moved it."""
    try:
        with session.begin_nested():
            recompute(session=session, case=case, now=now)
    except Exception:  # the change itself must still commit; logged with its traceback
        logger.exception("health recompute failed", extra={"case_id": case.id})


def trend(*, session: Session, case: Case, now: datetime, current: int) -> Trend:
    """``current`` against a week ago (the last snapshot at least 7 days old), else against
    the snapshot before the latest."""
    week_ago = session.scalar(
        select(HealthSnapshot)
        .where(
            HealthSnapshot.case_id == case.id,
            HealthSnapshot.computed_at <= aware(now) - timedelta(days=7),
        )
        .order_by(HealthSnapshot.id.desc())
        .limit(1)
    )
    if week_ago is not None:
        return Trend.between(current, week_ago.score, aware(week_ago.computed_at))
    recent = list(
        session.scalars(
            select(HealthSnapshot)
            .where(HealthSnapshot.case_id == case.id)
            .order_by(HealthSnapshot.id.desc())
            .limit(2)
        )
    )
    if len(recent) < 2:
        return Trend.between(current, None, None)
    return Trend.between(current, recent[1].score, aware(recent[1].computed_at))


@dataclass(frozen=True)
class HealthReport:
    """What ``/grievance status`` and the App Home show of a case's health."""

    score: HealthScore
    trend: Trend
    silent: list[Silence]
    #: What everyone but the leads may read about ``silent``.
    silence: str = ""


def report(*, session: Session, case: Case, now: datetime) -> HealthReport:
    """Recompute (storing a snapshot if the value moved) and explain, with the trend."""
    found = assess(session=session, case=case, now=now)
    store(session=session, case=case, result=found.score, now=now)
    return HealthReport(
        score=found.score,
        trend=trend(session=session, case=case, now=now, current=found.score.value),
        silent=found.silent,
        silence=silence_sentence(len(found.silent), found.inputs.stakeholders),
    )
