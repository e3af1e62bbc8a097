"""Slack delivers events at least once; the playbook handles each delivery once.

Events are recorded by ``event_id`` (Slack's retries repeat it) and slash commands and
interactions by their signature (which only a replay repeats). The records live in the
shared database, not in memory, because a retry or a replay may reach another instance;
they are only needed while Slack still retries or a timestamp is still accepted, so
``prune`` drops old ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from storage.engine import Database
from storage.models import Base, ProcessedEvent, SeenRequest

#: Slack retries an event three times within about half an hour; a day is ample.
KEEP_EVENTS = timedelta(days=1)
#: Bolt refuses timestamps older than five minutes, so an older signature cannot replay.
KEEP_SIGNATURES = timedelta(minutes=10)


def _first(db: Database, record: Base) -> bool:
    """Insert ``record``; False when its key was already there."""
    try:
        with db.transaction() as session:
            session.add(record)
    except IntegrityError:
        return False
    return True


def first_delivery(db: Database, *, event_id: str, team_id: str | None) -> bool:
    """Record ``event_id``; False when it was already recorded (a retry or a replay)."""
    return _first(db, ProcessedEvent(event_id=event_id[:64], team_id=team_id))


def first_sighting(db: Database, *, signature: str) -> bool:
    """Record a request's signature; False when this exact request was taken before."""
    return _first(db, SeenRequest(signature=signature[:80]))


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
