"""Middleware that Bolt calls as it is, with the request alone.

For a plain function registered as middleware, Bolt first builds every argument it could
inject (some thirty: the payload's parts, ``say``, ``respond``, …) on every request, for
each middleware in turn; that was a tenth of a thread reply's cost. A ``Direct`` step
reads what it needs from ``req.body`` and ``req.context`` instead.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

#: A middleware step: the request, and ``next`` to go on to the next step or listener.
Step = Callable[[BoltRequest, Callable[[], None]], BoltResponse | None]


class Direct(Middleware):
    """Run ``step(req, next)`` as a global or listener middleware."""

    def __init__(self, step: Step) -> None:
        self._step = step

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], None]
    ) -> BoltResponse | None:
        """Bolt's entry point: hand the request to the step."""
        return self._step(req, next)

    @property
    def name(self) -> str:
        """The step's own name, in Bolt's logs."""
        return f"{self._step.__module__}.{self._step.__qualname__}"
