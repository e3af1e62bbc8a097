"""Check-in fan-out: a thousand channels due in the same minute, at Slack's pace.

Every channel's case has a weekday check-in at 09:30 UTC and nothing else due. The
``grievance-bot tick --at`` process (one, then two at once on the same SQLite file, as two
instances or an overlapping cron would) claims and posts them against the emulator, which
answers 429 with ``Retry-After`` to a second post to one channel within a second, as
Slack does. What reached each channel is counted from the emulator: a channel with two
check-ins is a duplicate, a channel with none a miss; both must be zero.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.processes import ROOT
from bench.report import Check, Section, Table
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Channel, Workspace
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import Case, CheckinOccurrence, CheckinSchedule
from storage.models import Workspace as WorkspaceRow

DUE = datetime(2030, 1, 7, 9, 30, tzinfo=UTC)  # a Monday; no digest is due then
TICK_AT = "2030-01-07T09:31:00+00:00"
SLACK_SPACING = 1.0
FULL_CHANNELS = 1000
QUICK_CHANNELS = 30


@dataclass(frozen=True)
class FanOut:
    """What one fan-out run achieved."""

    processes: int
    channels: int
    posted: int
    duplicates: int
    misses: int
    rate_limited: int
    first_post: float
    last_post: float
    exit: float
    statuses: dict[str, int]
    exit_codes: list[int]
    outputs: list[str]


def _channel_id(n: int) -> str:
    return f"CFAN{n:05d}"


def _seed(database_url: str, channels: int) -> None:
    """Migrate, then one case and one weekday 09:30 check-in per channel (bulk inserted)."""
    db = Database.from_url(database_url)
    try:
        upgrade(db.engine)
        questions = json.dumps([{"kind": "rating", "text": "How are we doing?"}])
        with db.engine.begin() as connection:
            connection.execute(insert(WorkspaceRow), [{"id": 1, "team_id": "T0SANDBOX"}])
            connection.execute(
                insert(Case),
                [
                    {
                        "id": n + 1,
                        "workspace_id": 1,
                        "channel_id": _channel_id(n),
                        "client_name": f"Client {n}",
                    }
                    for n in range(channels)
                ],
            )
            connection.execute(
                insert(CheckinSchedule),
                [
                    {
                        "case_id": n + 1,
                        "channel_id": _channel_id(n),
                        "days": "mon-fri",
                        "anchor": date(2030, 1, 7),
                        "time_of_day": "09:30",
                        "timezone": "UTC",
                        "questions": questions,
                        "checked_until": datetime(2030, 1, 7, 9, 0, tzinfo=UTC),
                    }
                    for n in range(channels)
                ],
            )
    finally:
        db.dispose()


def _statuses(database_url: str) -> dict[str, int]:
    db = Database.from_url(database_url)
    try:
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(CheckinOccurrence.status, func.count()).group_by(CheckinOccurrence.status)
            )
            return {str(status): count for status, count in rows}
    finally:
        db.dispose()


def fan_out(channels: int, processes: int, workdir: Path) -> FanOut:
    """Seed a fresh database, run ``processes`` ticks at once, count what each channel got."""
    workspace = Workspace()
    for n in range(channels):
        workspace.add_channel(
            Channel(_channel_id(n), f"client-{n:05d}", members={workspace.bot_user_id})
        )
    workspace.post_spacing = SLACK_SPACING
    database_url = f"sqlite:///{workdir / f'fanout-{processes}.db'}"
    _seed(database_url, channels)
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": workspace.bot_token,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    with EmulatorServer(workspace) as emulator:
        env["SLACK_API_URL"] = emulator.base_url
        started_wall, started = time.time(), time.perf_counter()
        ticks = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "tick", "--at", TICK_AT],
                cwd=workdir,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(processes)
        ]
        outputs = [tick.communicate(timeout=600)[0] for tick in ticks]
        finished = time.perf_counter() - started
    with workspace.lock:
        posts = [m for m in workspace.messages if m.bot_id and m.channel.startswith("CFAN")]
        limited = sum(1 for c in workspace.calls if c.error == "ratelimited")
    per_channel = Counter(m.channel for m in posts)
    times = sorted(float(m.ts) - started_wall for m in posts)
    return FanOut(
        processes=processes,
        channels=channels,
        posted=len(posts),
        duplicates=sum(n - 1 for n in per_channel.values() if n > 1),
        misses=channels - len(per_channel),
        rate_limited=limited,
        first_post=times[0] if times else float("nan"),
        last_post=times[-1] if times else float("nan"),
        exit=finished,
        statuses=_statuses(database_url),
        exit_codes=[tick.returncode for tick in ticks],
        outputs=[out.strip().splitlines()[-1] if out.strip() else "" for out in outputs],
    )


def run(quick: bool) -> Section:
    """One tick process, then two on one database."""
    channels = QUICK_CHANNELS if quick else FULL_CHANNELS
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        runs = [fan_out(channels, processes, Path(tmp)) for processes in (1, 2)]
    section = Section(
        "Check-in fan-out",
        method=[
            f"{channels:,} channels, each with a case and a weekday check-in due at "
            f"{DUE:%H:%M} UTC; `grievance-bot tick --at {TICK_AT}` runs as one process, then "
            "as two started together on the same SQLite file (a fresh one per run). The "
            f"emulator keeps Slack's pace: a second chat.postMessage to a channel within "
            f"{SLACK_SPACING:.0f} s is answered 429 with Retry-After. Times are from spawning "
            "the processes; posts are counted per channel in the emulator. Nothing is pinned.",
        ],
    )
    table = Table(
        "Fan-out of check-ins due in the same minute",
        [
            "Processes",
            "Channels",
            "Posted",
            "Duplicates",
            "Misses",
            "429s",
            "First post",
            "All posted",
            "Exited",
            "Occurrences",
        ],
    )
    for fan in runs:
        table.rows.append(
            [
                str(fan.processes),
                f"{fan.channels:,}",
                f"{fan.posted:,}",
                str(fan.duplicates),
                str(fan.misses),
                str(fan.rate_limited),
                f"{fan.first_post:.1f} s",
                f"{fan.last_post:.1f} s",
                f"{fan.exit:.1f} s",
                ", ".join(f"{k} {v}" for k, v in sorted(fan.statuses.items())),
            ]
        )
        table.notes.append(
            f"{fan.processes} process(es): exit codes {fan.exit_codes}; tick said "
            + " | ".join(f"`{out}`" for out in fan.outputs)
        )
        section.checks += [
            Check(
                f"duplicates ({fan.processes} process(es))",
                "0",
                str(fan.duplicates),
                fan.duplicates == 0,
            ),
            Check(f"misses ({fan.processes} process(es))", "0", str(fan.misses), fan.misses == 0),
        ]
    section.tables.append(table)
    return section
