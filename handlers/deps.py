"""What listeners need from the composition root, passed in rather than imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.settings import Settings
from handlers.lookup import ChannelAccessCache
from storage.clock import utcnow
from storage.engine import Database


@dataclass(frozen=True)
class Deps:
    """The process's database and settings, shared by every listener."""

    db: Database
    settings: Settings
    #: The workspace's base URL from ``auth.test``, for building permalinks.
    slack_url: str | None = None
    #: Channels the bot was recently found able to work in.
    channels: ChannelAccessCache = field(default_factory=ChannelAccessCache)

    def now(self) -> datetime:
        """The current time, timezone-aware UTC, from the process clock (``storage.clock``)."""
        return utcnow()
