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
import itertools
import threading
import time
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


class Turns:
    """A reentrant lock handed out in order of arrival."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._owner: int | None = None
        self._depth = 0
        self._queue: list[int] = []  # tickets of the threads waiting, oldest first
        self._tickets = itertools.count()

    def acquire(self, timeout: float) -> bool:
        """Take the turn within ``timeout`` seconds; False if it never came."""
        me = threading.get_ident()
        deadline = time.monotonic() + timeout
        with self._changed:
            if self._owner == me:
                self._depth += 1
                return True
            ticket = next(self._tickets)
            self._queue.append(ticket)
            try:
                while not (self._owner is None and self._queue[0] == ticket):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
            finally:
                self._queue.remove(ticket)
                self._changed.notify_all()  # the next in line may be the one who gave up
            self._owner, self._depth = me, 1
            return True

    def release(self) -> None:
        """Give the turn back (the outermost release lets the next thread in)."""
        with self._changed:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of a turn this thread does not hold")
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._changed.notify_all()
