"""Fixtures for the purge tests: a migrated database the CLI also reads, and the root
logger and working directory put back after each run of the CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.engine import Database
from storage.migrate import upgrade


@pytest.fixture(autouse=True)
def _restore_logging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI configures the root logger; put it back so later tests log as before.

    Also run from an empty directory, so a developer's own ``.env`` is never read.
    """
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    sdk_level = logging.getLogger("slack_sdk").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("slack_sdk").setLevel(sdk_level)


@pytest.fixture
def db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated database the CLI also reads (through DATABASE_URL)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    database = Database.from_url(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()
