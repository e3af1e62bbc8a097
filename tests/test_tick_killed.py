"""A ``tick`` killed in the middle of a fan-out: a later tick finishes it, posting nothing twice.

The process is the real ``grievance-bot tick``; the emulator answers every post half a
second late, so the kill (SIGKILL, as the OOM killer or a node going away does it) lands
while some check-ins are in Slack but not yet recorded and the others not yet posted.
Its claims must not stay claimed forever, and must not be taken over while their lease
holds (the process might only be slow); once it has run out, the next tick looks for
each post by its key and posts only what is not there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Channel, Workspace
from storage.engine import Database
from storage.models import CheckinOccurrence, OccurrenceStatus
from tests.test_run_process import seed_weekday_checkins

CHANNELS = tuple(f"CKILL{n:02d}" for n in range(20))
#: Every post takes effect at once but is answered this late.
SLOW_ANSWER = 0.5


def _occurrences(database_url: str) -> list[CheckinOccurrence]:
    db = Database.from_url(database_url)
    try:
        with db.transaction() as session:
            return list(session.scalars(select(CheckinOccurrence)))
    finally:
        db.dispose()


def _once_still(count: Callable[[], int], quiet: float = 0.5) -> int:
    """``count`` once it stops changing: a post the killed tick sent just before dying
    still lands in Slack, which finishes a request it has received."""
    last = count()
    while True:
        time.sleep(quiet)
        now = count()
        if now == last:
            return now
        last = now


def test_a_tick_killed_mid_fan_out_is_taken_over_after_its_lease_posting_each_once(
    tmp_path: Path, database_url: str
) -> None:
    workspace = Workspace.demo()
    for channel in CHANNELS:
        workspace.add_channel(Channel(channel, channel.lower(), members={workspace.bot_user_id}))
    workspace.inject_delay("chat.postMessage", SLOW_ANSWER, times=len(CHANNELS))
    seed_weekday_checkins(database_url, CHANNELS)

    def posted() -> Counter[str]:
        with workspace.lock:
            return Counter(m.channel for m in workspace.messages if m.channel in CHANNELS)

    with EmulatorServer(workspace) as emulator:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(
            SLACK_BOT_TOKEN=workspace.bot_token,
            SLACK_API_URL=emulator.base_url,
            DATABASE_URL=database_url,
            LOG_LEVEL="WARNING",
        )

        def tick(at: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "bot", "tick", "--at", at],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            return done.stdout

        doomed = subprocess.Popen(
            [sys.executable, "-m", "bot", "tick", "--at", "2030-01-07T09:31:00+00:00"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while not posted() and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            doomed.kill()
            doomed.wait(timeout=10)
        in_slack = _once_still(lambda: sum(posted().values()))  # what reached Slack in time
        claimed = [o for o in _occurrences(database_url) if o.status is OccurrenceStatus.CLAIMED]
        assert 0 < in_slack < len(CHANNELS) and len(claimed) == len(CHANNELS)

        assert "check-ins: 0" in tick("2030-01-07T09:33:00+00:00")  # the lease still holds
        assert sum(posted().values()) == in_slack
        # Every check-in is recorded posted: found by its key, or posted now.
        assert f"check-ins: {len(CHANNELS)}" in tick("2030-01-07T09:37:00+00:00")

    assert posted() == Counter(CHANNELS)  # every check-in exactly once
    occurrences = _occurrences(database_url)
    assert {o.status for o in occurrences} == {OccurrenceStatus.POSTED}
    with workspace.lock:
        ts_by_channel = {m.channel: m.ts for m in workspace.messages if m.channel in CHANNELS}
    assert {o.slack_channel: o.slack_ts for o in occurrences} == ts_by_channel
