"""What a database error means for the person waiting: an outage, or a bug.

An outage is a database that cannot take a write right now (its disk is full, another
process holds its lock past the wait, the server is down or restarting); the same write
may work in a minute, so the person is told that and shown what they wrote. Anything else
(a missing table, a broken constraint) is a bug and stays one. SQLite says which in its
message, PostgreSQL in its SQLSTATE, so both are read here, in one table each.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


class Outage(StrEnum):
    """Why the database cannot take a write; the value is the one-line reason operators see."""

    FULL = "database full: no room to write"
    BUSY = "database busy: another process held its lock past the wait"
    DOWN = "database unreachable"


class DatabaseBusy(Exception):
    """This process's own turn at the database was not free within the wait."""


#: The exception types an outage arrives as (``outage_of`` tells which of them are one).
MAYBE_OUTAGE = (DBAPIError, DatabaseBusy, PoolTimeout)

#: SQLite's messages, by a word each is known by (``sqlite3`` carries no error code here).
_SQLITE = (
    ("full", Outage.FULL),  # "database or disk is full"
    ("locked", Outage.BUSY),  # "database is locked"
    ("busy", Outage.BUSY),
    ("disk i/o", Outage.DOWN),
    ("unable to open", Outage.DOWN),
)
#: PostgreSQL's SQLSTATE, exact codes first, then classes.
_POSTGRES_CODES = {
    "53100": Outage.FULL,  # disk_full
    "55P03": Outage.BUSY,  # lock_not_available (lock_timeout)
    "57014": Outage.BUSY,  # query_canceled (statement_timeout)
    "40P01": Outage.BUSY,  # deadlock_detected
}
_POSTGRES_CLASSES = {
    "08": Outage.DOWN,  # connection exception
    "53": Outage.FULL,  # insufficient resources
    "57": Outage.DOWN,  # operator intervention: shutdown, restart
}


def outage_of(error: BaseException) -> Outage | None:
    """The outage ``error`` reports, or None when it is not one (a bug, or not the database)."""
    if isinstance(error, DatabaseBusy | PoolTimeout):
        return Outage.BUSY
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return Outage.DOWN
    original = error.orig
    if isinstance(original, sqlite3.Error):
        message = str(original).lower()
        return next((outage for word, outage in _SQLITE if word in message), None)
    code = getattr(original, "sqlstate", None)
    if isinstance(code, str) and code:
        return _POSTGRES_CODES.get(code) or _POSTGRES_CLASSES.get(code[:2])
    # A driver error without a SQLSTATE never reached the server: it is not answering.
    return Outage.DOWN if isinstance(error, OperationalError | InterfaceError) else None
