"""Whose turn it is at SQLite within one process, and which work is background work.

SQLite takes one writer at a time. ``Turns`` hands the writer's slot out in order of
arrival: with a plain lock, a thread that releases and asks again at once (a worker
posting one check-in after another) can barge ahead of threads already waiting, and an
acknowledgement stuck behind such workers could miss Slack's 3 seconds.

Background work (what follows an acknowledgement, the scheduler's runs) is marked with
``in_background``: nobody is waiting on it, so it is what pays for housekeeping such as
checkpointing SQLite's log (``storage.engine``), never an acknowledgement.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_background = threading.local()


@contextmanager
def in_background() -> Iterator[None]:
    """Mark what this thread does within as background work (see the module docstring)."""
    before = getattr(_background, "on", False)
    _background.on = True
    try:
        yield
    finally:
        _background.on = before


def backgrounded(work: Callable[P, R]) -> Callable[P, R]:
    """``work`` run ``in_background`` on whichever thread calls it (a pool's worker)."""

    @functools.wraps(work)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with in_background():
            return work(*args, **kwargs)

    return wrapped


def is_background() -> bool:
    """Whether this thread is inside ``in_background``."""
    return bool(getattr(_background, "on", False))


class _Waiter:
    """A thread in line, woken alone when the turn is handed to it."""

    __slots__ = ("handed", "ident")

    def __init__(self, ident: int) -> None:
        self.ident = ident
        self.handed = threading.Event()


class Turns:
    """A reentrant lock handed out in order of arrival.

    The turn passes straight from the thread giving it back to the oldest one waiting,
    which alone is woken: waking every waiter to see whose turn it is (a condition's
    ``notify_all``) cost each hand-over a context switch per waiting thread under load.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._queue: deque[_Waiter] = deque()  # the threads waiting, oldest first

    def acquire(self, timeout: float) -> bool:
        """Take the turn within ``timeout`` seconds; False if it never came."""
        me = threading.get_ident()
        with self._lock:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._queue:
                self._owner, self._depth = me, 1
                return True
            waiter = _Waiter(me)
            self._queue.append(waiter)
        waiter.handed.wait(timeout)
        with self._lock:
            if waiter.handed.is_set():  # handed over, perhaps just as the wait gave up
                return True
            self._queue.remove(waiter)
            return False

    def held(self) -> bool:
        """Whether the calling thread holds the turn (an inner transaction's acquire)."""
        with self._lock:
            return self._owner == threading.get_ident()

    def release(self) -> None:
        """Give the turn back (the outermost release hands it to the next in line)."""
        with self._lock:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of a turn this thread does not hold")
            self._depth -= 1
            if self._depth:
                return
            if not self._queue:
                self._owner = None
                return
            waiter = self._queue.popleft()
            self._owner, self._depth = waiter.ident, 1
            waiter.handed.set()
