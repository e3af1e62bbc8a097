"""Slack delivers events at least once; the playbook handles each delivery once.

Events are recorded by ``event_id`` (Slack's retries repeat it) and slash commands and
interactions by their signature (which only a replay repeats). The records live in the
shared database, not in memory, because a retry or a replay may reach another instance;
they are only needed while Slack still retries or a timestamp is still accepted. Each
new record retires up to ``RETIRE_PER_INSERT`` expired ones of its kind in the same
transaction, so the tables stay bounded even when no scheduler runs (``run
--no-scheduler`` without ``tick``) or a flood of requests outpaces it; ``prune``, run by
the scheduler, drops whatever is left.

What a delivery writes records it in the transaction of the work it guards, so the two
commit or roll back together: a retry or a replay finds the record and rolls back, and a
failed transaction leaves no record behind, so the retry Slack sends after a database
outage is handled in full. An event's flow claims its ``Delivery`` itself (``claim``); a
command or an interaction is recorded by the first transaction its request commits
(``sighting``, given to ``Database.with_first_write``). A request that writes nothing is
not recorded: sent again, it reads again, and changes nothing either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, TextClause, bindparam, delete, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.clock import utcnow
from storage.engine import Database
from storage.models import ProcessedEvent, SeenRequest
from storage.rows import plain

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


@dataclass(frozen=True)
class Delivery:
    """One delivery of an event by Slack: its ``event_id`` and the envelope's team."""

    event_id: str
    team_id: str | None


class AlreadyHandled(Exception):
    """The delivery was recorded before: a retry (or a copy sent to another instance)."""


class Replayed(AlreadyHandled):
    """A signed request already taken: the same command or click sent again."""


def claim(*, session: Session, delivery: Delivery | None, now: datetime) -> None:
    """Record ``delivery`` as the first statement of the transaction it guards, so the
    record and the work commit or roll back together; ``AlreadyHandled`` when a retry."""
    if delivery is not None:
        values = {"key": delivery.event_id[:64], "extra": delivery.team_id}
        _enter(session, _EVENTS, values, now, AlreadyHandled(delivery.event_id))


def once(
    db: Database, delivery: Delivery | None, now: datetime, work: Callable[[Session], None]
) -> bool:
    """Do ``work`` in one transaction that first claims ``delivery``; False for a retry,
    which does nothing."""
    try:
        with db.transaction() as session:
            claim(session=session, delivery=delivery, now=now)
            work(session)
    except AlreadyHandled:
        return False
    return True


def sighting(signature: str) -> Callable[[Session], None]:
    """The write recording a request's signature, for the request's first transaction;
    it raises ``Replayed`` when this exact request was taken before."""

    def record(session: Session) -> None:
        _enter(session, _SIGNATURES, {"key": signature[:80]}, utcnow(), Replayed(signature[:16]))

    return record


def _enter(
    session: Session, ledger: _Ledger, values: dict[str, object], now: datetime, taken: Exception
) -> None:
    """Record ``values`` and retire the oldest expired records; raise ``taken`` when the
    key was already there (the transaction then rolls back whole, with nothing retired)."""
    try:
        plain(session).execute(ledger.record, {**values, "at": now})
    except IntegrityError as error:
        raise taken from error
    plain(session).execute(ledger.retire, {"before": now - ledger.keep})


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
