"""Per-request facts gathered while Bolt handles a request, for the access log line.

The WSGI layer opens a record for each request; a Bolt middleware (same thread) fills in
what only the parsed payload knows: its type, team and channel.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestFacts:
    """What one access-log line reports about a Slack request."""

    type: str | None = None
    team: str | None = None
    channel: str | None = None
    duplicate: bool = False


current: ContextVar[RequestFacts | None] = ContextVar("request_facts", default=None)


def note(**facts: object) -> None:
    """Record facts about the current request, if one is being logged."""
    record = current.get()
    if record is not None:
        for key, value in facts.items():
            setattr(record, key, value)
