"""Slack delivers events at least once; the playbook handles each delivery once.

Events are recorded by ``event_id`` (Slack's retries repeat it) and slash commands and
interactions by their signature (which only a replay repeats). The records live in the
shared database, not in memory, because a retry or a replay may reach another instance;
they are only needed while Slack still retries or a timestamp is still accepted. Each
new record retires up to ``RETIRE_PER_INSERT`` expired ones of its kind in the same
transaction, so the tables stay bounded even when no scheduler runs (``run
--no-scheduler`` without ``tick``) or a flood of requests outpaces it; ``prune``, run by
the scheduler, drops whatever is left.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.clock import utcnow
from storage.engine import Database
from storage.models import Base, ProcessedEvent, SeenRequest

#: Slack retries an event three times within about half an hour; a day is ample.
KEEP_EVENTS = timedelta(days=1)
#: Bolt refuses timestamps older than five minutes, so an older signature cannot replay.
KEEP_SIGNATURES = timedelta(minutes=10)
#: Expired records retired by each new one: more than one, so a backlog (left while no
#: scheduler ran) shrinks as traffic goes on, and few, so each insert stays one small
#: indexed delete.
RETIRE_PER_INSERT = 2


def _first(db: Database, record: Base, *, key: InstrumentedAttribute[str], keep: timedelta) -> bool:
    """Insert ``record`` and retire the oldest expired records; False when its key was
    already there (then nothing is retired either: the transaction is rolled back)."""
    try:
        with db.transaction() as session:
            session.add(record)
            session.flush()  # a replay is refused before anything is retired
            _retire_expired(session, key=key, before=utcnow() - keep)
    except IntegrityError:
        return False
    return True


def _retire_expired(session: Session, *, key: InstrumentedAttribute[str], before: datetime) -> None:
    """Delete the oldest records of ``key``'s table received before ``before``, a few."""
    model = key.class_
    oldest = (
        select(key)
        .where(model.received_at < before)
        .order_by(model.received_at)
        .limit(RETIRE_PER_INSERT)
    )
    session.execute(
        delete(model).where(key.in_(oldest)).execution_options(synchronize_session=False)
    )


def first_delivery(db: Database, *, event_id: str, team_id: str | None) -> bool:
    """Record ``event_id``; False when it was already recorded (a retry or a replay)."""
    record = ProcessedEvent(event_id=event_id[:64], team_id=team_id)
    return _first(db, record, key=ProcessedEvent.event_id, keep=KEEP_EVENTS)


def first_sighting(db: Database, *, signature: str) -> bool:
    """Record a request's signature; False when this exact request was taken before."""
    record = SeenRequest(signature=signature[:80])
    return _first(db, record, key=SeenRequest.signature, keep=KEEP_SIGNATURES)


def prune(db: Database, *, now: datetime) -> int:
    """Forget records too old to matter; returns how many went."""
    with db.transaction() as session:
        events = session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_EVENTS)
        )
        signatures = session.execute(
            delete(SeenRequest).where(SeenRequest.received_at < now - KEEP_SIGNATURES)
        )
    return int(events.rowcount or 0) + int(signatures.rowcount or 0)
