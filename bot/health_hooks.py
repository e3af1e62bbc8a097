"""Recompute case health whenever something it depends on changes, wherever that happens.

Grievances are filed and change status in several places (quick capture, the form,
buttons, progress updates), votes arrive by reaction, strategies are proposed, check-ins
are answered. Rather than remembering to call ``health.recompute`` in each, one hook on
the process's session factory does it:

- ``after_flush`` notes which rows of those kinds were added, changed or deleted (it
  must not query: the session is mid-flush);
- ``before_commit`` resolves them to their cases and recomputes each case's health in
  the same transaction, so the snapshot commits (or rolls back) with the change.

The recomputation runs in a SAVEPOINT and its errors are logged, never raised: a bug in
the score must not lose a grievance. A flag in ``session.info`` keeps the hook from
reacting to its own writes.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.playbook import health
from storage.clock import utcnow
from storage.engine import Database
from storage.models import (
    Case,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    Grievance,
    Strategy,
    Vote,
)

logger = logging.getLogger("grievance_bot.health")

_PENDING = "health_pending"
_BUSY = "health_busy"
#: Columns the score never reads: where a row's Slack message is, and when it was touched.
#: Storing a grievance's message ts right after filing it must not score the case again.
_BOOKKEEPING = frozenset({"slack_channel", "slack_ts", "source_permalink", "updated_at"})


def _scored_change(obj: object, session: Session) -> bool:
    """True unless ``obj`` is merely dirty in bookkeeping columns."""
    if obj not in session.dirty:
        return True  # added or deleted
    state = inspect(obj)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return not changed <= _BOOKKEEPING


def _note(session: Session, _context: Any) -> None:
    """After a flush: remember what changed, as (kind, id) pairs to resolve later."""
    if session.info.get(_BUSY):
        return
    pending: set[tuple[str, int]] = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not _scored_change(obj, session):
            continue
        if isinstance(obj, Grievance | Strategy) and obj.case_id:
            pending.add(("case", obj.case_id))
        elif isinstance(obj, Vote) and obj.strategy_id:
            pending.add(("strategy", obj.strategy_id))
        elif isinstance(obj, CheckinAnswer) and obj.occurrence_id:
            pending.add(("occurrence", obj.occurrence_id))


def _case_ids(session: Session, pending: set[tuple[str, int]]) -> set[int]:
    ids = {key for kind, key in pending if kind == "case"}
    strategies = {key for kind, key in pending if kind == "strategy"}
    occurrences = {key for kind, key in pending if kind == "occurrence"}
    if strategies:
        ids |= set(session.scalars(select(Strategy.case_id).where(Strategy.id.in_(strategies))))
    if occurrences:
        ids |= set(
            session.scalars(
                select(CheckinSchedule.case_id)
                .join(CheckinOccurrence, CheckinOccurrence.schedule_id == CheckinSchedule.id)
                .where(CheckinOccurrence.id.in_(occurrences))
            )
        )
    return ids


def _recompute(session: Session) -> None:
    """Before commit: recompute the health of every case touched in this transaction."""
    if session.info.get(_BUSY) or session.in_nested_transaction():
        return  # releasing a SAVEPOINT fires this too: wait for the real commit
    session.flush()  # changes not flushed yet are noted too
    pending: set[tuple[str, int]] = session.info.pop(_PENDING, set())
    if not pending:
        return
    session.info[_BUSY] = True
    try:
        now = utcnow()
        for case_id in sorted(_case_ids(session, pending)):
            try:
                with session.begin_nested():
                    case = session.get(Case, case_id)
                    if case is not None:
                        health.recompute(session=session, case=case, now=now)
            except Exception:  # the change itself must still commit; logged with traceback
                logger.exception("health recompute failed", extra={"case_id": case_id})
    finally:
        session.info[_BUSY] = False


def install(db: Database) -> None:
    """Attach the hook to ``db``'s session factory (once, however often it is called)."""
    factory: sessionmaker[Session] = db.sessions
    if not event.contains(factory, "after_flush", _note):
        event.listen(factory, "after_flush", _note)
        event.listen(factory, "before_commit", _recompute)
