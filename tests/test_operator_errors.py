"""What an operator reads when Slack or the database is wrong: one line, never a traceback.

Each case starts ``grievance-bot run``, ``tick`` or ``check`` as a process, the way an
operator or cron does, with one thing broken: a token Slack refuses, an API URL nothing
answers on, or a database that cannot be opened.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from storage.engine import Database
from storage.migrate import upgrade

SECRET = "0123456789abcdef0123456789abcdef"


def _closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Broken:
    """One way a deployment is broken, and the variable the operator must be pointed to."""

    name: str
    variable: str
    #: Slack's refusal of auth.test, injected into the emulator ("" for none).
    refusal: str = ""
    wrong_token: bool = False
    slack_unreachable: bool = False
    database: str = ""


BROKEN = (
    Broken("wrong token", "SLACK_BOT_TOKEN", wrong_token=True),
    Broken("revoked token", "SLACK_BOT_TOKEN", refusal="token_revoked"),
    Broken("deactivated app", "SLACK_BOT_TOKEN", refusal="account_inactive"),
    Broken("no token sent", "SLACK_BOT_TOKEN", refusal="not_authed"),
    Broken("nothing on the API URL", "SLACK_API_URL", slack_unreachable=True),
    Broken("SQLite directory missing", "DATABASE_URL", database="sqlite:///{tmp}/gone/bot.db"),
    Broken(
        "PostgreSQL port closed",
        "DATABASE_URL",
        database="postgresql+psycopg://bot:pw@127.0.0.1:{port}/grievance",
    ),
)


def _migrated(tmp_path: Path) -> str:
    """A usable database, so only the broken part is reported."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    db = Database.from_url(url)
    upgrade(db.engine)
    db.dispose()
    return url


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(Workspace.demo()) as server:
        yield server


def _start(
    command: str, broken: Broken, emulator: EmulatorServer, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    workspace = emulator.workspace
    if broken.refusal:
        workspace.inject("auth.test", broken.refusal)
    api_url = (
        f"http://127.0.0.1:{_closed_port()}/api/" if broken.slack_unreachable else emulator.base_url
    )
    database = broken.database or _migrated(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        SLACK_BOT_TOKEN="xoxb-not-the-bots-token" if broken.wrong_token else workspace.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        PORT=str(_closed_port()),
        DATABASE_URL=database.format(tmp=tmp_path, port=_closed_port()),
    )
    try:
        return subprocess.run(
            [sys.executable, "-m", "bot", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        workspace.take_fault("auth.test")  # the refusal, if the process never asked


@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: b.name)
@pytest.mark.parametrize("command", ["run", "tick"])
def test_run_and_tick_say_what_is_wrong_in_one_line(
    command: str, broken: Broken, emulator: EmulatorServer, tmp_path: Path
) -> None:
    done = _start(command, broken, emulator, tmp_path)

    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.returncode != 0
    [line] = lines
    assert line.startswith(f"grievance-bot: {broken.variable} "), line
    assert (broken.refusal or "") in line
    assert "pw@" not in line  # a database password is never repeated


@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: b.name)
def test_check_lists_the_problem_as_one_finding(
    broken: Broken, emulator: EmulatorServer, tmp_path: Path
) -> None:
    done = _start("check", broken, emulator, tmp_path)

    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr == ""
    problems = [line for line in done.stdout.splitlines() if line.startswith("!! ")]
    assert len(problems) == 1, done.stdout
    assert f": {broken.variable} " in problems[0]
