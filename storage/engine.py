"""Engine and session factory.

SQLite is the default store and gets the same guarantees on every connection: WAL so
readers never block the writer, a busy timeout so concurrent writers wait instead of
failing, foreign keys on, and write transactions that begin IMMEDIATE so two requests
never deadlock upgrading a read lock.

Within one process, SQLite transactions also take turns on a lock of the process's own:
SQLite's busy handler polls a held lock in sleeps of up to 100 ms, which under load made
the slowest acknowledgements wait ten times longer than the work they waited for, while
a lock wakes the next thread the moment the last one commits, and hands the turns out in
order of arrival (``storage.turns``). Processes sharing the file take turns the same way
on a kernel lock beside it (``storage.file_turn``).

Checkpoints, which copy the write-ahead log into the database file and wait for the disk,
are background work too. Left to SQLite, the commit that fills the log pays for one, with
the writer's lock held: on a busy disk a burst of acknowledgements stalled behind it for
seconds. Here background work checkpoints every ``CHECKPOINT_EVERY`` commits, after its
own commit and without any lock (``PASSIVE``), so the log never grows to SQLite's own
threshold while there is background work to do it.

No transaction waits more than ``LOCK_WAIT_SECONDS`` for another's lock, whoever holds
it (another thread, another process, another PostgreSQL session): a request that meets a
held lock gives up in time to tell the person so within Slack's 3 seconds, instead of
being cut off by Slack with nothing said. Its error is an outage (``storage.outages``).
"""

from __future__ import annotations

import copy
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert
from sqlalchemy.orm import Session, sessionmaker

from storage.file_turn import FileTurn
from storage.models import HealthProbe
from storage.outages import DatabaseBusy, outage_of
from storage.turns import Turns, is_background

#: The longest a transaction waits for a lock: with the work itself, inside Slack's 3 s.
LOCK_WAIT_SECONDS = 2.0
_LOCK_WAIT_MS = int(LOCK_WAIT_SECONDS * 1000)
#: What the health check writes (and rolls back): more than a page of SQLite (4 KB) or
#: PostgreSQL (8 KB), so a database with no room for one more page is not called healthy.
PROBE_BYTES = 9000
#: Commits between two checkpoints of SQLite's write-ahead log, run by background work.
CHECKPOINT_EVERY = 200
#: Pages of log past which SQLite checkpoints in whichever commit crosses it (its default
#: is 1,000): a safety net for a process with no background work to checkpoint for it.
AUTOCHECKPOINT_PAGES = 10_000
#: Execution option of a connection that only reads (see ``Database.reading``).
READ_ONLY = "grievance_read_only"


def _configure_sqlite(engine: Engine) -> None:
    """Set the pragmas on connect and emit BEGIN IMMEDIATE ourselves (pysqlite's recipe)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take over
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_LOCK_WAIT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _configure_postgres(engine: Engine) -> None:
    """Bound every write transaction's lock waits and statements by ``LOCK_WAIT_SECONDS``.

    Only write transactions: a long read (an export) and a migration at start-up, which
    may wait for another process's migration, keep the server's defaults.
    """

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {_LOCK_WAIT_MS}")
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {_LOCK_WAIT_MS}")


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the per-dialect settings above.

    A server that does not answer is given up on within the same wait as a lock
    (``connect_timeout`` counts whole seconds, and at least 2).
    """
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, Any] = {"pool_pre_ping": not is_sqlite}
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": LOCK_WAIT_SECONDS}
    elif url.startswith("postgresql"):
        kwargs["connect_args"] = {"connect_timeout": max(2, round(LOCK_WAIT_SECONDS))}
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgres(engine)
    return engine


def _file_turn(engine: Engine) -> FileTurn | None:
    """The cross-process turn of an SQLite database kept in a file."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return FileTurn(f"{path}-turn")


class _FirstWrite:
    """What one request's first write transaction writes besides its work: taken by one
    transaction at a time, and given back when that transaction does not commit."""

    def __init__(self, write: Callable[[Session], None]) -> None:
        self._write: Callable[[Session], None] | None = write
        self._lock = threading.Lock()

    def take(self) -> Callable[[Session], None] | None:
        with self._lock:
            write, self._write = self._write, None
            return write

    def give_back(self, write: Callable[[Session], None]) -> None:
        with self._lock:
            self._write = self._write or write


class Database:
    """The one engine of a process and its unit-of-work factory.

    Each caller (a Slack listener on Bolt's thread pool, a scheduler job, a CLI command)
    opens its own short session; sessions are never shared across threads.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: The session factory; hooks that must see every transaction listen on it.
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        #: SQLite takes one writer at a time anyway; queueing here wakes waiters promptly,
        #: first come, first served.
        self._turn = Turns() if engine.dialect.name == "sqlite" else None
        #: ... and so do the processes sharing its file (none for an in-memory database).
        self._across = _file_turn(engine)
        #: Commits since the last checkpoint of SQLite's log (approximate across threads).
        self._commits = 0
        #: Set on a request's own view of the database (``with_first_write``).
        self._first_write: _FirstWrite | None = None

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Build the engine and wrap it."""
        return cls(make_engine(url))

    def with_first_write(self, write: Callable[[Session], None]) -> Database:
        """This database as one request sees it: ``write`` (the request's record in a
        ledger, ``bot.playbook.deliveries``) goes into the first of its transactions that
        commits, as its first statement, so the record and the work it guards commit or
        roll back together. Engine, pool and turns are shared with this one."""
        view = copy.copy(self)
        view._first_write = _FirstWrite(write)
        return view

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        first = self._first_write.take() if self._first_write is not None else None
        try:
            with self._taking_turn(), self.sessions.begin() as session:
                if first is not None:
                    first(session)
                yield session
        except BaseException:
            if first is not None and self._first_write is not None:
                self._first_write.give_back(first)
            raise
        self._checkpoint_when_due()

    def _checkpoint_when_due(self) -> None:
        """Count a commit; in background work, checkpoint SQLite's log every
        ``CHECKPOINT_EVERY`` commits (see the module docstring)."""
        if self._turn is None:
            return
        self._commits += 1
        if self._commits < CHECKPOINT_EVERY or not is_background():
            return
        self._commits = 0
        connection = self.engine.raw_connection()  # autocommit: no BEGIN, no write lock
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:  # the commit stands; the next due checkpoint tries again
            pass
        finally:
            connection.close()

    @contextmanager
    def _taking_turn(self) -> Iterator[None]:
        """Wait for this process's turn at SQLite, at most ``LOCK_WAIT_SECONDS``."""
        if self._turn is None:
            yield
            return
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        across = None if self._turn.held() else self._across  # the outermost one takes it
        if not self._turn.acquire(timeout=LOCK_WAIT_SECONDS):
            raise DatabaseBusy(f"no turn at the database within {LOCK_WAIT_SECONDS} s")
        if across is not None and not across.acquire(timeout=deadline - time.monotonic()):
            self._turn.release()
            raise DatabaseBusy(f"another process kept the database for {LOCK_WAIT_SECONDS} s")
        try:
            yield
        finally:
            if across is not None:
                across.release()
            self._turn.release()

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

    def write_problem(self) -> str | None:
        """Why a write fails now, in one line, or None when one just worked (``/healthz``).

        A query only proves the database answers; a full disk and a held lock still
        answer queries. So this writes a row bigger than a page, in a write transaction
        like any request's, and rolls it back: it needs the lock, the wait and the room a
        grievance needs, and leaves nothing behind.
        """
        try:
            with self._taking_turn(), self.sessions() as session:
                try:
                    session.execute(insert(HealthProbe).values(payload=os.urandom(PROBE_BYTES)))
                finally:
                    session.rollback()
        except Exception as error:  # whatever it is, the answer is "not healthy", and why
            outage = outage_of(error)
            return outage.value if outage else f"database refused a write ({type(error).__name__})"
        return None

    def dispose(self) -> None:
        """Close pooled connections (on shutdown and in tests)."""
        self.engine.dispose()
        if self._across is not None:
            self._across.close()
