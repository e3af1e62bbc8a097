"""A per-address limit on sign-in attempts, so nobody hammers Slack's sign-in through us.

A sliding window kept in memory: per process, which is enough to stop one client
looping; a fleet of addresses is for the proxy in front to refuse.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

#: Sign-in steps (start or return) one address may take per window.
SIGNIN_ATTEMPTS = 10
WINDOW_SECONDS = 60.0
#: Addresses remembered at most; the oldest are forgotten first.
MAX_ADDRESSES = 10_000


class Throttle:
    """Allows ``limit`` events per address in any ``window`` seconds."""

    def __init__(
        self,
        limit: int = SIGNIN_ATTEMPTS,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit, self._window, self._clock = limit, window, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count one event from ``address``; False once it is over the limit."""
        now = self._clock()
        with self._lock:
            times = self._seen.pop(address, None) or deque()
            while times and times[0] <= now - self._window:
                times.popleft()
            allowed = len(times) < self._limit
            if allowed:
                times.append(now)
            self._seen[address] = times  # re-inserted: the dict keeps recent ones last
            if len(self._seen) > MAX_ADDRESSES:
                del self._seen[next(iter(self._seen))]
            return allowed
