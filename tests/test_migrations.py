"""Migrations build the schema the models describe, on a fresh database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.playbook import load
from storage.clock import utcnow
from storage.engine import Database
from storage.migrate import current_revision, head_revision, is_up_to_date, upgrade
from storage.models import Base


def test_upgrade_on_a_fresh_database_creates_the_case_history(database_url: str) -> None:
    db = Database.from_url(database_url)
    assert not is_up_to_date(db.engine)
    upgrade(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert {"workspace", "client_case", "person", "timeline_entry", "processed_event"} <= tables
    assert current_revision(db.engine) == head_revision(db.engine)
    upgrade(db.engine)  # a second run at start-up changes nothing
    assert is_up_to_date(db.engine)


def test_migrations_match_the_models(database_url: str) -> None:
    """On SQLite, and on PostgreSQL when the suite runs there."""
    db = Database.from_url(database_url)
    upgrade(db.engine)
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    db.dispose()
    assert diff == []


def test_sqlite_connections_get_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # Long enough to ride out another writer's commit, short enough to answer Slack.
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 2000


def test_an_upgraded_database_counts_its_open_grievances_as_the_bot_would(
    database_url: str,
) -> None:
    """0012 fills the running totals the health score reads from the grievances already
    there: open and public ones count, old ones at their capped weight."""
    db = Database.from_url(database_url)
    upgrade(db.engine, "0011")
    now = utcnow()
    with db.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO workspace (id, team_id, created_at) VALUES (1, 'T1', :t)"), {"t": now}
        )
        connection.execute(
            text(
                "INSERT INTO client_case (id, workspace_id, channel_id, client_name, stage, named,"
                " buyin_rule, interview_reminder_hours, digest_weekday, digest_time,"
                " digest_timezone, created_at, updated_at) VALUES (1, 1, 'C1', 'Acme',"
                " 'stabilize', false, 'default', 48, 4, '16:00', 'UTC', :t, :t)"
            ),
            {"t": now},
        )
        rows = [  # severity, status, confidential, age in days
            (2, "open", False, 3),
            (4, "acknowledged", False, 40),
            (3, "addressing", False, 10),
            (4, "resolved", False, 1),
            (4, "open", True, 1),
        ]
        for number, (severity, status, confidential, days) in enumerate(rows, 1):
            connection.execute(
                text(
                    "INSERT INTO grievance (case_id, number, side, category, severity, text,"
                    " status, confidential, created_at, updated_at) VALUES (1, :n, 'client',"
                    " 'other', :s, 'x', :st, :c, :t, :t)"
                ),
                {
                    "n": number,
                    "s": severity,
                    "st": status,
                    "c": confidential,
                    "t": now - timedelta(days=days),
                },
            )
    upgrade(db.engine)
    with db.reading() as session:
        kept = load.summary(session=session, case_id=1, now=utcnow())
    db.dispose()
    assert (kept.count, kept.worst) == (3, 4)
    expected = 2 * (1 + 3 / 14) + 4 * 3 + 3 * (1 + 10 / 14)
    assert kept.load == pytest.approx(expected, abs=1e-3)
    assert kept.oldest_days == pytest.approx(40, abs=1e-3)
