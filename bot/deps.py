"""What listeners need from the composition root, passed in rather than imported."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.form_seal import FormSeal
from bot.settings import Settings
from bot.slack.identity import Installation, home_of
from bot.slack.lookup import ChannelAccessCache
from bot.slack.outbound import Outbound
from storage.clock import utcnow
from storage.engine import Database


@dataclass(frozen=True)
class Deps:
    """The process's database and settings, shared by every listener."""

    db: Database
    settings: Settings
    #: The workspace's base URL from ``auth.test``, for building permalinks.
    slack_url: str | None = None
    #: Where the bot is installed, from ``auth.test`` at start-up (``bot.slack.identity``).
    installation: Installation = field(default_factory=lambda: Installation(team_id=None))
    #: Channels the bot was recently found able to work in.
    channels: ChannelAccessCache = field(default_factory=ChannelAccessCache)
    #: Seals the state forms carry (``bot.form_seal``); the app factory keys it.
    form_seal: FormSeal = field(default_factory=lambda: FormSeal(None))
    #: Where listeners send what they do after acknowledging (``bot.slack.outbound``).
    outbound: Outbound | None = None

    def after_ack(self, work: Callable[[], None]) -> None:
        """Do ``work`` (Web API calls) after the acknowledgement, off the pool that
        acknowledges; at once on the caller's thread when no outbound pool is wired
        (scripts and benches that call listeners' helpers directly)."""
        if self.outbound is None:
            work()
        else:
            self.outbound.send(work)

    def home(self, body: Mapping[str, Any]) -> Installation:
        """The bot's own workspace for a request: never the sender's team in a shared
        channel (``bot.slack.identity.home_of``)."""
        return home_of(body, self.installation)

    def now(self) -> datetime:
        """The current time, timezone-aware UTC, from the process clock (``storage.clock``)."""
        return utcnow()
