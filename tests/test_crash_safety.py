"""A grievance that was acknowledged survives the process being killed (SIGKILL).

The bot commits before it answers Slack; this drives the real process under load,
kills it without warning, restarts it and checks every acknowledged grievance is on
disk, the SQLite file is intact and the restarted bot serves on.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.sandbox.slack_side import SlackSide
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from tests.test_run_process import SECRET, _free_port, _wait_healthy

ACKNOWLEDGED = re.compile(r"grievance #(\d+)")


def _start(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--no-scheduler"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def test_every_acknowledged_grievance_survives_sigkill(tmp_path: Path) -> None:
    workspace = Workspace.demo()
    database = tmp_path / "crash.db"
    with EmulatorServer(workspace) as emulator:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(
            SLACK_BOT_TOKEN=workspace.bot_token,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=emulator.base_url,
            PORT=str(port),
            DATABASE_URL=f"sqlite:///{database}",
            LOG_LEVEL="WARNING",
        )
        url = f"http://127.0.0.1:{port}"
        process = _start(tmp_path, env)
        _wait_healthy(f"{url}/healthz", process)
        slack = SlackSide(workspace, emulator, f"{url}/slack/events", SECRET)
        acknowledged: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def file(n: int) -> None:
            if stop.is_set():
                return
            try:
                delivery = slack.slash_command("UANA", "CACME", f"Load grievance number {n} here")
            except (OSError, http.client.HTTPException):
                return  # the connection died with the process (mid-answer): never acknowledged
            found = ACKNOWLEDGED.search(delivery.body or "") if delivery.status == 200 else None
            if found:
                with lock:
                    acknowledged.append(f"Load grievance number {n} here")

        def killer() -> None:
            while len(acknowledged) < 25:
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            stop.set()

        threading.Thread(target=killer, daemon=True).start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(file, range(400)))
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
        assert len(acknowledged) >= 25

        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            stored = {row[0] for row in connection.execute("SELECT text FROM grievance")}
        missing = [text for text in acknowledged if text not in stored]
        assert missing == [], f"{len(missing)} acknowledged grievances were lost"

        restarted = _start(tmp_path, env)
        try:
            _wait_healthy(f"{url}/healthz", restarted)
            after = slack.slash_command("UANA", "CACME", "Filed after the restart, all is well")
            assert after.status == 200 and ACKNOWLEDGED.search(after.body)
        finally:
            restarted.send_signal(signal.SIGTERM)
            restarted.wait(timeout=20)
        assert restarted.returncode == 0
