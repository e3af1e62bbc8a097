"""Shared fixtures: the real bot over HTTP against the local Slack emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox.stack import SandboxStack
from bot.settings import Settings

SLACK_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
)


@pytest.fixture(autouse=True)
def _no_real_slack(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read a developer's tokens or reach slack.com."""
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'grievance.db'}"


@pytest.fixture
def stack(database_url: str) -> Iterator[SandboxStack]:
    """The bot served by waitress on loopback, with the demo workspace in the emulator."""
    with SandboxStack(Settings(database_url=database_url, _env_file=None)) as running:
        yield running
