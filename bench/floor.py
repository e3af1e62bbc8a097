"""The floor under ``/grievance``: the rows it writes, written with plain SQL.

A filing stores the grievance, its timeline entry, its weight in the case's load and a
health snapshot, in one transaction, then the posted message's ``ts`` in another. Written
with :mod:`sqlite3` alone (WAL, ``synchronous=NORMAL``, prepared statements, no ORM, no
HTTP, no Slack) on the bot's own schema, that is the least any implementation could
spend; the bench places the bot between it and the bare Bolt app.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from storage.engine import Database
from storage.migrate import upgrade

_GRIEVANCE = (
    "INSERT INTO grievance (case_id, number, reporter_id, side, category, severity, text,"
    " status, confidential, load_severity, created_at, updated_at)"
    " VALUES (1, ?, 1, 'client', 'other', 2, ?, 'open', 0, 2, ?, ?)"
)
_ENTRY = (
    "INSERT INTO timeline_entry (case_id, kind, author_id, text, grievance_id, confidential,"
    " deleted, edited, created_at) VALUES (1, 'grievance_filed', 1, ?, ?, 0, 0, 0, ?)"
)
_LOAD = (
    "UPDATE case_load SET fresh_count = fresh_count + 1, fresh_millis = fresh_millis + ?"
    " WHERE case_id = 1 AND severity = 2"
)
_SNAPSHOT = (
    "INSERT INTO health_snapshot (case_id, score, components, computed_at) VALUES (1, ?, ?, ?)"
)
_POSTED = "UPDATE grievance SET slack_channel = 'C1', slack_ts = ? WHERE id = ?"


def _schema(path: Path) -> None:
    """The bot's schema, one workspace, person, case and load row."""
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
        connection.execute(
            "INSERT INTO person (id, workspace_id, slack_user_id, display_name, side,"
            " created_at) VALUES (1, 1, 'U1', 'ana', 'team', ?)",
            (now,),
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


def floor_cpu(workdir: Path, filings: int) -> float:
    """CPU seconds per filing, written the plainest way on the bot's schema."""
    path = workdir / "floor.db"
    _schema(path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    try:
        started = time.process_time()
        for number in range(1, filings + 1):
            now = datetime.now(UTC).isoformat(" ")
            text = f"The invoice export broke again ({number})"
            connection.execute("BEGIN IMMEDIATE")
            grievance = connection.execute(_GRIEVANCE, (number, text, now, now)).lastrowid
            connection.execute(_ENTRY, (text, grievance, now))
            connection.execute(_LOAD, (int(time.time() * 1000),))
            connection.execute(_SNAPSHOT, (80, '{"points": {}, "reasons": []}', now))
            connection.execute("COMMIT")
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(_POSTED, (f"{time.time():.6f}", grievance))
            connection.execute("COMMIT")
        return (time.process_time() - started) / filings
    finally:
        connection.close()
