"""``grievance-bot run`` as an operator starts it: HTTP mode, signed requests, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from bot.sandbox.slack_side import SlackSide
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import Case, CheckinSchedule
from storage.models import Workspace as WorkspaceRow

SECRET = "0123456789abcdef0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[str], timeout: float = 20) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError("the bot never became healthy")


def slack_env(workspace: Workspace, emulator: EmulatorServer, database_url: str) -> dict[str, str]:
    """This process's environment, with no Slack settings but the emulator's and ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        SLACK_BOT_TOKEN=workspace.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=emulator.base_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    return env


@contextmanager
def bot_processes(env: dict[str, str], tmp_path: Path, count: int) -> Iterator[list[str]]:
    """``count`` ``grievance-bot run --no-scheduler`` processes on ports of their own,
    each healthy; yields their base URLs, and stops them on the way out."""
    urls, processes = [], []
    try:
        for _ in range(count):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot", "run", "--no-scheduler"],
                    cwd=tmp_path,
                    env=env | {"PORT": str(port)},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_healthy(f"{url}/healthz", process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_http_mode_serves_signed_requests_and_stops_on_sigterm(tmp_path: Path) -> None:
    workspace = Workspace.demo()
    with EmulatorServer(workspace) as emulator:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(
            SLACK_BOT_TOKEN=workspace.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=emulator.base_url,
            PORT=str(port),
            DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
            slack = SlackSide(workspace, emulator, f"http://127.0.0.1:{port}/slack/events", SECRET)
            delivery = slack.slash_command("UBEN", "CACME", "help")
            assert delivery.status == 200
            assert "/grievance history" in delivery.body
            forged = SlackSide(workspace, emulator, slack.bot_url, "not-the-secret-at-all")
            assert forged.slash_command("UBEN", "CACME", "help").status == 401
            process.send_signal(signal.SIGTERM)
            stdout, stderr = process.communicate(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, stderr[-3000:]
    assert stdout.splitlines()[0].startswith("grievance-bot: connecting to Slack over HTTP")
    assert workspace.bot_token not in stderr and SECRET not in stderr
    assert '"type": "slash_command"' in stderr  # the structured access log line


def seed_weekday_checkins(database_url: str, channels: tuple[str, ...] = ("CACME",)) -> None:
    """A migrated database where each channel's case has a check-in due Mon 2030-01-07 09:30."""
    db = Database.from_url(database_url)
    upgrade(db.engine)
    with db.transaction() as session:
        workspace = WorkspaceRow(team_id="T0SANDBOX")
        session.add(workspace)
        session.flush()
        for channel in channels:
            case = Case(workspace_id=workspace.id, channel_id=channel, client_name=channel)
            session.add(case)
            session.flush()
            session.add(_weekday_schedule(case.id, channel))
    db.dispose()


def _weekday_schedule(case_id: int, channel: str) -> CheckinSchedule:
    return CheckinSchedule(
        case_id=case_id,
        channel_id=channel,
        days="mon-fri",
        anchor=date(2030, 1, 7),
        time_of_day="09:30",
        timezone="UTC",
        questions=json.dumps([{"kind": "rating", "text": "How are we doing?"}]),
        checked_until=datetime(2030, 1, 7, 9, 0, tzinfo=UTC),
    )


def test_tick_posts_what_is_due_exactly_once_and_exits(tmp_path: Path) -> None:
    workspace = Workspace.demo()
    database_url = f"sqlite:///{tmp_path / 'tick.db'}"
    seed_weekday_checkins(database_url)
    with EmulatorServer(workspace) as emulator:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(
            SLACK_BOT_TOKEN=workspace.bot_token,
            SLACK_API_URL=emulator.base_url,
            DATABASE_URL=database_url,
        )

        def tick(at: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "bot", "tick", "--at", at],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )

        first = tick("2030-01-07T09:31:00+00:00")
        assert first.returncode == 0, first.stderr
        assert "check-ins: 1" in first.stdout
        again = tick("2030-01-07T09:32:00+00:00")
        assert "check-ins: 0" in again.stdout
        posted = [m for m in workspace.messages if m.channel == "CACME" and m.bot_id]
        assert len(posted) == 1 and "How are we doing?" in json.dumps(posted[0].blocks)
        bad = tick("yesterday")
        assert bad.returncode == 2 and "ISO time" in bad.stderr
