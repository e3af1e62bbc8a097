"""One bot for the whole authorization matrix: a bot, emulator and database shared by
every cell of a module, emptied before each cell.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Workspace
from bot.settings import Settings
from storage.models import Base
from tests.conftest import SLACK_VARIABLES, fresh_database


@pytest.fixture(scope="module")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxStack]:
    """One bot, emulator and database for every cell: starting one per cell would make
    the matrix several times slower. ``stack`` below empties it before each cell."""
    with pytest.MonkeyPatch.context() as env:
        for name in SLACK_VARIABLES:
            env.delenv(name, raising=False)
        with (
            fresh_database(tmp_path_factory.mktemp("matrix")) as url,
            SandboxStack(Settings(database_url=url, _env_file=None)) as running,
        ):
            yield running


@pytest.fixture
def stack(shared_stack: SandboxStack) -> SandboxStack:
    """The shared bot with every table emptied and a fresh demo workspace in the emulator,
    so no cell sees what another did."""
    shared_stack.settle()
    with shared_stack.db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
    fresh = Workspace.demo()
    shared_stack.workspace = shared_stack.emulator.workspace = shared_stack.slack.workspace = fresh
    return shared_stack
