"""Acknowledgements never pay for a checkpoint of SQLite's log; background work does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage import engine as storage_engine
from storage.engine import Database
from storage.turns import in_background


def _commit(db: Database, n: int) -> None:
    with db.transaction() as session:
        session.execute(
            text("INSERT INTO notes (body) VALUES (:body)"), {"body": "x" * 3000 + str(n)}
        )


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_foreground_commits_leave_the_log_to_background_work(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    db = Database.from_url(f"sqlite:///{path}")
    with db.transaction() as session:
        session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))

    for n in range(1500):  # past SQLite's default threshold of 1,000 pages (about 4 MB)
        _commit(db, n)
    grown = _wal_bytes(path)
    assert grown > 4_200_000  # no acknowledgement stopped to checkpoint

    with in_background():
        for n in range(storage_engine.CHECKPOINT_EVERY):
            _commit(db, n)
    checkpointed = _wal_bytes(path)
    for n in range(300):  # after a checkpoint, the log is written again from its start
        _commit(db, n)
    assert _wal_bytes(path) == checkpointed
    db.dispose()
