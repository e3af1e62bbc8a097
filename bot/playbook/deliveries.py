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

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, TextClause, bindparam, delete, text
from sqlalchemy.exc import IntegrityError

from storage.clock import utcnow
from storage.engine import Database
from storage.models import ProcessedEvent, SeenRequest

#: Slack retries an event three times within about half an hour; a day is ample.
KEEP_EVENTS = timedelta(days=1)
#: Bolt refuses timestamps older than five minutes, so an older signature cannot replay.
KEEP_SIGNATURES = timedelta(minutes=10)
#: Expired records retired by each new one: more than one, so a backlog (left while no
#: scheduler ran) shrinks as traffic goes on, and few, so each insert stays one small
#: indexed delete.
RETIRE_PER_INSERT = 2


@dataclass(frozen=True)
class _Ledger:
    """One table of records: its two statements, written once in plain SQL (they run
    before every request: building them through the ORM each time cost more than
    running them)."""

    record: TextClause
    retire: TextClause
    keep: timedelta


def _ledger(table: str, key: str, extra: str, keep: timedelta) -> _Ledger:
    columns = ", ".join([key, *([extra] if extra else []), "received_at"])
    values = ", ".join([":key", *([":extra"] if extra else []), ":at"])
    at = bindparam("at", type_=DateTime(timezone=True))
    before = bindparam("before", type_=DateTime(timezone=True))
    return _Ledger(
        record=text(f"INSERT INTO {table} ({columns}) VALUES ({values})").bindparams(at),
        retire=text(
            f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table}"
            f" WHERE received_at < :before ORDER BY received_at LIMIT {RETIRE_PER_INSERT})"
        ).bindparams(before),
        keep=keep,
    )


_EVENTS = _ledger("processed_event", "event_id", "team_id", KEEP_EVENTS)
_SIGNATURES = _ledger("seen_request", "signature", "", KEEP_SIGNATURES)


def _first(db: Database, ledger: _Ledger, values: dict[str, object]) -> bool:
    """Record ``values`` and retire the oldest expired records; False when the key was
    already there (then nothing is retired either: the transaction is rolled back)."""
    now = utcnow()
    try:
        with db.transaction() as session:
            session.execute(ledger.record, {**values, "at": now})  # a replay fails here
            session.execute(ledger.retire, {"before": now - ledger.keep})
    except IntegrityError:
        return False
    return True


def first_delivery(db: Database, *, event_id: str, team_id: str | None) -> bool:
    """Record ``event_id``; False when it was already recorded (a retry or a replay)."""
    return _first(db, _EVENTS, {"key": event_id[:64], "extra": team_id})


def first_sighting(db: Database, *, signature: str) -> bool:
    """Record a request's signature; False when this exact request was taken before."""
    return _first(db, _SIGNATURES, {"key": signature[:80]})


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
