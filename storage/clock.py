"""The one clock every recorded time comes from.

Timeline entries, roles, votes, nudges, check-in claims and sandbox actions are all
stamped by :func:`utcnow`. In production it is the wall clock. The sandbox moves it
forward (``wait 2d``) and the test suite pins it to a fixed instant, so what the bot
records never depends on the day the code happens to run: a test written on a Tuesday
must pass two years later.

The clock keeps running at real speed from wherever it was set: order of events and
short delays behave as in production, only the calendar is chosen. It is process-wide
on purpose: a process runs one bot, and every thread of it (waitress, Bolt's listener
pool, the scheduler) must agree on what time it is.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall time shifted by an offset that only the sandbox and tests change."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Timezone-aware UTC now, as this process sees it."""
        return datetime.now(UTC) + self._offset

    def set(self, at: datetime) -> None:
        """Make it ``at`` now (tests; the clock then runs on from there)."""
        if at.tzinfo is None:
            raise ValueError("the clock is set with a timezone-aware instant")
        with self._lock:
            self._offset = at - datetime.now(UTC)

    def advance(self, to: datetime) -> datetime:
        """Move the clock forward to ``to`` (never back); returns the new now."""
        with self._lock:
            if to > self.now():
                self._offset = to - datetime.now(UTC)
        return self.now()

    def reset(self) -> None:
        """Back to the wall clock."""
        with self._lock:
            self._offset = timedelta(0)


#: The process's clock.
CLOCK = Clock()


def utcnow() -> datetime:
    """Timezone-aware now from the process clock: the only clock the bot records with."""
    return CLOCK.now()
