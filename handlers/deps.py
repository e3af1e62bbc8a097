"""What listeners need from the composition root, passed in rather than imported."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from storage.engine import Database


@dataclass(frozen=True)
class Deps:
    """The process's database and settings, shared by every listener."""

    db: Database
    settings: Settings
    #: The workspace's base URL from ``auth.test``, for building permalinks.
    slack_url: str | None = None
