"""Fixtures for the export tests: the seeded database (once per module), and no Slack
credentials or ``.env`` in the way of the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.engine import Database
from storage.migrate import upgrade
from tests.export.facts import Fixture
from tests.export.seed_cases import _seed


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    path = tmp_path_factory.mktemp("export") / "history.db"
    url = f"sqlite:///{path}"
    db = Database.from_url(url)
    upgrade(db.engine)
    with db.transaction() as session:
        acme, confidential, globex = _seed(session)
    db.dispose()
    yield Fixture(url, path, acme, confidential, globex)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
