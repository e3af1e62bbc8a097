"""The floor under each request: the rows it writes, written with plain SQL.

What the bot writes for each of the bench's three requests:

- ``/grievance``: the signature record that refuses a replay (``seen_request``), the
  grievance, its timeline entry, its weight in the case's load and a health snapshot;
  then, once the message is posted, its ``ts`` (a second transaction: the ``ts`` only
  exists after the post).
- a thread reply: the ``event_id`` record that makes Slack's retries harmless
  (``processed_event``) and the reply's timeline entry (``bot.playbook.threads``).
- a reaction, counted as a vote: the ``event_id`` record, the vote and its ``vote_cast``
  timeline entry (``bot.playbook.buyin.react``).

Written with :mod:`sqlite3` alone (WAL, ``synchronous=NORMAL``, prepared statements, no
ORM, no HTTP, no Slack) on the bot's own schema, each in as few transactions as it can
be, that is the least any implementation could spend; the bench places the bot between
it and the bare Bolt app. The bot also retires up to two expired records with each new
one (``bot.playbook.deliveries``); nothing has expired in a bench run, and the floor
leaves that housekeeping out.

The bench's ``+1`` lands on a grievance message, not a strategy's, so the bot only looks
the message up among the strategies and writes nothing: :data:`LOOKUP_ONLY` is that floor,
shown beside the vote's.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench.payloads import COMMAND, REACTION, REPLY
from storage.engine import Database
from storage.migrate import upgrade

#: The floor of a reaction on a message that is not a strategy's: one indexed read.
LOOKUP_ONLY = "lookup only"

_SIGNATURE = "INSERT INTO seen_request (signature, received_at) VALUES (?, ?)"
_EVENT = "INSERT INTO processed_event (event_id, team_id, received_at) VALUES (?, 'T1', ?)"
_GRIEVANCE = (
    "INSERT INTO grievance (case_id, number, reporter_id, side, category, severity, text,"
    " status, confidential, load_severity, created_at, updated_at)"
    " VALUES (1, ?, 1, 'client', 'other', 2, ?, 'open', 0, 2, ?, ?)"
)
_ENTRY = (
    "INSERT INTO timeline_entry (case_id, kind, author_id, text, grievance_id, slack_channel,"
    " slack_ts, confidential, deleted, edited, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)"
)
_LOAD = (
    "UPDATE case_load SET fresh_count = fresh_count + 1, fresh_millis = fresh_millis + ?"
    " WHERE case_id = 1 AND severity = 2"
)
_SNAPSHOT = (
    "INSERT INTO health_snapshot (case_id, score, components, computed_at) VALUES (1, ?, ?, ?)"
)
_POSTED = "UPDATE grievance SET slack_channel = 'C1', slack_ts = ? WHERE id = ?"
_VOTE = (
    "INSERT INTO vote (strategy_id, person_id, kind, reaction, updated_at)"
    " VALUES (1, ?, 'approve', '+1', ?)"
)
_STRATEGY_AT = "SELECT id FROM strategy WHERE slack_channel = ? AND slack_ts = ?"
#: The seeded grievance and strategy messages that replies and votes land on.
_ROOT_TS = "1700000000.000100"
_STRATEGY_TS = "1700000000.000200"


class _Writer:
    """One plain connection; each ``transaction()`` is ``BEGIN IMMEDIATE`` … ``COMMIT``,
    as the bot's engine does on SQLite."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.connection.execute("BEGIN IMMEDIATE")
        yield self.connection
        self.connection.execute("COMMIT")


#: One request's writes: the writer, the request's number (from 1) and the time as stored.
Request = Callable[[_Writer, int, str], None]


def _filing(db: _Writer, n: int, now: str) -> None:
    text = f"The invoice export broke again ({n})"
    with db.transaction() as sql:
        sql.execute(_SIGNATURE, (f"v0={n:064x}", now))
        grievance = sql.execute(_GRIEVANCE, (n, text, now, now)).lastrowid
        sql.execute(_ENTRY, ("grievance_filed", 1, text, grievance, None, None, now))
        sql.execute(_LOAD, (int(time.time() * 1000),))
        sql.execute(_SNAPSHOT, (80, '{"points": {}, "reasons": []}', now))
    with db.transaction() as sql:
        sql.execute(_POSTED, (f"{time.time():.6f}", grievance))


def _reply(db: _Writer, n: int, now: str) -> None:
    with db.transaction() as sql:
        sql.execute(_EVENT, (f"EvFLOOR{n:012d}", now))
        text = f"Bench reply {n}: still broken"
        sql.execute(_ENTRY, ("reply", 1, text, 1, "C1", f"{time.time():.6f}", now))


def _vote(db: _Writer, n: int, now: str) -> None:
    with db.transaction() as sql:
        sql.execute(_EVENT, (f"EvFLOOR{n:012d}", now))
        sql.execute(_VOTE, (n, now))
        text = f"person {n} (client leader) approves v1"
        sql.execute(_ENTRY, ("vote_cast", n, text, None, "C1", _STRATEGY_TS, now))


def _lookup(db: _Writer, n: int, now: str) -> None:
    db.connection.execute("BEGIN")
    db.connection.execute(_STRATEGY_AT, ("C1", f"{n}.000000")).fetchone()
    db.connection.execute("COMMIT")


#: Each kind of request (``bench.payloads.KINDS``, and :data:`LOOKUP_ONLY`) and its writes.
REQUESTS: dict[str, Request] = {
    COMMAND: _filing,
    REPLY: _reply,
    REACTION: _vote,
    LOOKUP_ONLY: _lookup,
}


def _schema(path: Path, people: int) -> None:
    """The bot's schema; one workspace, case, load row, grievance and strategy, and
    ``people`` people (one per request, so each vote is its voter's first)."""
    db = Database.from_url(f"sqlite:///{path}")
    try:
        upgrade(db.engine)
    finally:
        db.dispose()
    now = datetime.now(UTC).isoformat(" ")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO workspace (id, team_id, created_at) VALUES (1, 'T1', ?)", (now,)
        )
        connection.executemany(
            "INSERT INTO person (id, workspace_id, slack_user_id, display_name, side,"
            " created_at) VALUES (?, 1, ?, ?, 'client', ?)",
            ((i, f"U{i}", f"person {i}", now) for i in range(1, people + 1)),
        )
        connection.execute(
            "INSERT INTO client_case (id, workspace_id, channel_id, client_name, stage, named,"
            " buyin_rule, interview_reminder_hours, digest_weekday, digest_time,"
            " digest_timezone, created_at, updated_at) VALUES (1, 1, 'C1', 'Acme', 'stabilize',"
            " 0, 'default', 48, 4, '16:00', 'UTC', ?, ?)",
            (now, now),
        )
        connection.execute(
            "INSERT INTO case_load (case_id, severity, fresh_count, fresh_millis, aged_count,"
            " aged_through) VALUES (1, 2, 0, 0, 0, ?)",
            (now,),
        )
        connection.execute(
            "INSERT INTO grievance (id, case_id, number, reporter_id, side, category, severity,"
            " text, status, confidential, load_severity, slack_channel, slack_ts, created_at,"
            " updated_at) VALUES (1, 1, 0, 1, 'client', 'other', 2, 'Seed', 'open', 0, 2, 'C1',"
            " ?, ?, ?)",
            (_ROOT_TS, now, now),
        )
        connection.execute(
            "INSERT INTO strategy (id, case_id, version, author_id, summary, success_measures,"
            " status, slack_channel, slack_ts, created_at) VALUES (1, 1, 1, 1, 'Plan', '',"
            " 'proposed', 'C1', ?, ?)",
            (_STRATEGY_TS, now),
        )


def floor_cpu(workdir: Path, kind: str, count: int) -> float:
    """CPU seconds per request of ``kind``, its rows written the plainest way on the bot's
    schema, in a fresh database file of its own."""
    request = REQUESTS[kind]
    path = workdir / f"floor-{kind.replace(' ', '-')}.db"
    _schema(path, people=count)
    db = _Writer(path)
    try:
        started = time.process_time()
        for n in range(1, count + 1):
            request(db, n, datetime.now(UTC).isoformat(" "))
        return (time.process_time() - started) / count
    finally:
        db.connection.close()
