"""Shared fixtures: the real bot over HTTP against the local Slack emulator."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.sandbox.stack import SandboxStack
from bot.settings import Settings
from storage.clock import CLOCK
from storage.engine import Database
from storage.migrate import upgrade

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


#: What the bot's clock reads when each test starts: Monday 30 November 2026, 08:00 UTC.
#: Fixed, so no test depends on the day it runs (``.ci/run`` also runs the suite with the
#: process clock two years ahead to prove it); it runs on at real speed from there.
TEST_EPOCH = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    """Every test starts at ``TEST_EPOCH`` on the bot's one clock (``storage.clock``)."""
    CLOCK.set(TEST_EPOCH)
    yield
    CLOCK.reset()


#: Set by `.ci/with-postgres`: the suite then runs every database test on PostgreSQL.
POSTGRES_SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test (see ``fresh_database``)."""
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The test's own database, migrated (SQLite, or PostgreSQL when the suite runs there)."""
    database = Database.from_url(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file in ``directory``, or a PostgreSQL database
    of its own when ``TEST_DATABASE_URL`` names a server. Modules that share one stack
    across their tests (module-scoped fixtures) take theirs from here too."""
    if not POSTGRES_SERVER_URL:
        yield f"sqlite:///{directory / 'grievance.db'}"
        return
    name = f"gb_{uuid.uuid4().hex[:16]}"
    server = create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(hide_password=False)
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


@pytest.fixture
def stack(database_url: str) -> Iterator[SandboxStack]:
    """The bot served by waitress on loopback, with the demo workspace in the emulator."""
    with SandboxStack(Settings(database_url=database_url, _env_file=None)) as running:
        yield running


def shown(stack: SandboxStack, user_id: str, channel_id: str, text: str) -> str:
    """Type ``/grievance text`` as ``user_id`` in ``channel_id`` and wait for the bot:
    the words and blocks the typist was shown privately, whether in the acknowledgement
    or through the response URL just after it (a first-time caller's answer comes so)."""
    before = {e.ts for e in stack.workspace.ephemerals}
    delivery = stack.slack.slash_command(user_id, channel_id, text)
    assert delivery.status == 200, delivery.body
    assert stack.settle()
    return "\n".join(
        e.text + "\n" + json.dumps(e.blocks, ensure_ascii=False)
        for e in stack.workspace.ephemerals
        if e.ts not in before and e.user == user_id and e.channel == channel_id
    )
