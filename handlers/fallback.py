"""Events the app subscribes to but has nothing to do with yet are acknowledged quietly.

Without a listener Bolt answers 404 and Slack keeps retrying; an unknown or uninteresting
event is a normal part of Slack's stream, not an error.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App

from bot.deps import Deps

_ANY_EVENT = re.compile(r".*")


def register(app: App, deps: Deps) -> None:
    """Register the catch-all last so that feature listeners win."""

    @app.event(_ANY_EVENT)
    def ignore(event: dict[str, Any]) -> None:
        """Nothing to do: the event was acknowledged and recorded for de-duplication."""
