"""Events the app subscribes to but has nothing to do with yet are acknowledged quietly.

Without a listener Bolt answers 404 and Slack keeps retrying; an unknown or uninteresting
event is a normal part of Slack's stream, not an error.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltResponse

_ANY_EVENT = re.compile(r".*")


def ignore(event: dict[str, Any]) -> None:
    """Nothing to do: the event was acknowledged and recorded for de-duplication."""


def handled() -> BoltResponse:
    """What a listener middleware that dealt with an event entirely returns: Slack's
    answer at once. Returning nothing would make Bolt try every later listener (building
    each one's arguments) before this module's catch-all acknowledged it."""
    return BoltResponse(status=200, body="")


def register(app: App) -> None:
    """Register the catch-all; ``register_all`` calls this last so feature listeners win."""
    app.event(_ANY_EVENT)(ignore)
