"""The writer's turn across processes that share one SQLite file.

Within a process ``storage.turns`` hands the writer's slot from thread to thread the
moment it is free. Between processes SQLite only has its busy handler, which polls a held
lock in sleeps of up to 100 ms: a process whose threads pass the lock among themselves
keeps it for as long as it has work queued, and another process's acknowledgement
starved behind it past Slack's 3 seconds (two instances under a burst of commands).

Here each process also takes a kernel lock (``flock``) on a file beside the database for
the length of its write transaction. A process blocked on that lock is woken the moment
it is released, so it competes on equal terms with the holder's next thread instead of
sleeping through the hand-over. ``flock`` has no timeout, so a waiting is done by one
helper thread per process, which the caller can abandon at its deadline.
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass, field


@dataclass
class _Request:
    """The one pending wait of a process: still wanted, and granted once the lock is in."""

    wanted: bool = True
    granted: threading.Event = field(default_factory=threading.Event)


class FileTurn:
    """An exclusive lock on ``path`` held by this process between acquire and release.

    Callers take it one at a time (the process's ``Turns`` already orders its threads),
    which is what lets one pending request and one helper thread serve them all.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd = -1  # opened at the first acquire, when the database's folder exists
        self._state = threading.Lock()
        self._pending: _Request | None = None
        self._asked = threading.Semaphore(0)
        self._helper: threading.Thread | None = None

    def acquire(self, timeout: float) -> bool:
        """Take the lock within ``timeout`` seconds; False if another process kept it.

        Where the file beside the database cannot be made, SQLite cannot write there either
        and says so itself: the turn is then left to SQLite's own lock (True).
        """
        with self._state:
            if self._fd < 0:
                try:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                except OSError:
                    return True
            if self._pending is None:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    self._ask()
            request = self._pending
            assert request is not None
            request.wanted = True
        if request.granted.wait(max(timeout, 0.0)):
            return True
        with self._state:
            if request.granted.is_set():  # granted just as the wait gave up
                return True
            request.wanted = False  # the helper lets go of it as soon as it comes
        return False

    def release(self) -> None:
        """Let the next process (or this one's next thread) have it."""
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the file (the database is being disposed of); a later acquire reopens it."""
        with self._state:
            fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)

    def _ask(self) -> None:
        """Queue a blocking wait for the helper (called with ``_state`` held)."""
        self._pending = _Request()
        if self._helper is None:
            self._helper = threading.Thread(target=self._wait_on_kernel, daemon=True)
            self._helper.start()
        self._asked.release()

    def _wait_on_kernel(self) -> None:
        """The helper: block in ``flock`` for each request, hand it over or let it go."""
        while True:
            self._asked.acquire()
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except OSError:  # closed under the wait: nobody is left to hand it to
                with self._state:
                    self._pending = None
                continue
            with self._state:
                request, self._pending = self._pending, None
                if request is not None and request.wanted:
                    request.granted.set()
                else:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
