"""``grievance-bot run`` as an operator starts it: HTTP mode, signed requests, SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.sandbox.slack_side import SlackSide
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace

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
