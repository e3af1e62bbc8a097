"""Engine and session factory.

SQLite is the default store and gets the same guarantees on every connection: WAL so
readers never block the writer, a busy timeout so concurrent writers wait instead of
failing, foreign keys on, and write transactions that begin IMMEDIATE so two requests
never deadlock upgrading a read lock.

Within one process, SQLite transactions also take turns on a lock of the process's own:
SQLite's busy handler polls a held lock in sleeps of up to 100 ms, which under load made
the slowest acknowledgements wait ten times longer than the work they waited for, while
a lock wakes the next thread the moment the last one commits. Nothing else here is
SQLite-specific.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: Execution option of a connection that only reads (see ``Database.reading``).
READ_ONLY = "grievance_read_only"


def _configure_sqlite(engine: Engine) -> None:
    """Set the pragmas on connect and emit BEGIN IMMEDIATE ourselves (pysqlite's recipe)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the per-dialect settings above."""
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, Any] = {"pool_pre_ping": not is_sqlite}
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine)
    return engine


class Database:
    """The one engine of a process and its unit-of-work factory.

    Each caller (a Slack listener on Bolt's thread pool, a scheduler job, a CLI command)
    opens its own short session; sessions are never shared across threads.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: The session factory; hooks that must see every transaction listen on it.
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        #: SQLite takes one writer at a time anyway; queueing here wakes waiters promptly.
        self._turn: AbstractContextManager[Any] = (
            threading.RLock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Build the engine and wrap it."""
        return cls(make_engine(url))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        with self._turn, self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for a long read, such as an export, that never writes.

        On SQLite it takes neither the process's turn nor SQLite's write lock (a WAL reader
        sees one consistent snapshot and never blocks the writer), so building a large
        export does not hold up other people's acknowledgements. Its work is rolled back.
        """
        with self.sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            try:
                yield session
            finally:
                session.rollback()

    def is_reachable(self) -> bool:
        """True when the database answers a trivial query (used by ``/healthz``)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any driver error means "not reachable" to a health check
            return False
        return True

    def dispose(self) -> None:
        """Close pooled connections (on shutdown and in tests)."""
        self.engine.dispose()
