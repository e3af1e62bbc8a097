"""Faults a test injects into the Web API (errors, rate limits, HTTP failures, slow
answers), Slack's pace for chat.postMessage, and the log of calls the bot made.
"""

from __future__ import annotations

import time
from collections import deque

from bot.sandbox.workspace.objects import ApiCall, Delay, Fault
from bot.sandbox.workspace.state import WorkspaceState


class FaultInjection(WorkspaceState):
    """Injected failures and delays per API method, and the call log."""

    def inject(self, method: str, error: str, times: int = 1) -> None:
        """The next `times` calls of `method` answer `{"ok": false, "error": error}`."""
        self._add_fault(method, Fault(error, times=times))

    def inject_rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with `Retry-After`."""
        self._add_fault(method, Fault("ratelimited", 429, retry_after, times))

    def inject_http_error(self, method: str, status: int = 503, times: int = 1) -> None:
        """The next `times` calls of `method` answer a bare HTTP error."""
        self._add_fault(method, Fault("fatal_error", status, times=times))

    def inject_delay(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` take effect, but are answered `seconds` late:
        a caller that times out first cannot tell whether the call worked."""
        with self.lock:
            self._delays.setdefault(method, deque()).append(Delay(seconds, times))

    def take_delay(self, method: str) -> float:
        """How late this call of `method` is answered (0: at once)."""
        with self.lock:
            queue = self._delays.get(method)
            if not queue:
                return 0.0
            delay = queue[0]
            delay.times -= 1
            if delay.times <= 0:
                queue.popleft()
            return delay.seconds

    def _add_fault(self, method: str, fault: Fault) -> None:
        with self.lock:
            self._faults.setdefault(method, deque()).append(fault)

    def take_fault(self, method: str) -> Fault | None:
        """The failure this call of `method` must answer, if one is injected."""
        with self.lock:
            queue = self._faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.popleft()
            return fault

    def pace_post(self, channel: str) -> int | None:
        """With ``post_spacing`` set, a post too soon after the last one to ``channel``
        gets the ``Retry-After`` seconds of Slack's 429; None lets it through (and counts)."""
        if self.post_spacing is None:
            return None
        with self.lock:
            now = time.monotonic()
            last = self._last_post.get(channel)
            if last is not None and now - last < self.post_spacing:
                return max(1, round(last + self.post_spacing - now))
            self._last_post[channel] = now
            return None

    def calls_to(self, method: str) -> list[ApiCall]:
        with self.lock:
            return [c for c in self.calls if c.method == method]
