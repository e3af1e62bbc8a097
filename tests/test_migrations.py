"""Migrations build the schema the models describe, on a fresh database."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

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
