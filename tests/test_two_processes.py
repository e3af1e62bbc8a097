"""Two bot processes on one database, as a team running several instances has them.

Slack may deliver an event to one instance and its retry to another, and every
instance's scheduler wakes up for the same check-ins. Under concurrent load the shared
database must make each event count once, number grievances without gaps or clashes,
and post each check-in occurrence once. Runs on PostgreSQL when ``TEST_DATABASE_URL``
is set (see ``.ci/with-postgres``), otherwise on one SQLite file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.sandbox.slack_side import SlackSide
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Channel, Workspace
from storage.engine import Database
from storage.models import Grievance, TimelineEntry
from tests.test_run_process import SECRET, bot_processes, seed_weekday_checkins, slack_env

CHANNELS = [f"CLOAD{n:02d}" for n in range(12)]
GRIEVANCES = 48
DUE = datetime(2030, 1, 7, 9, 30, tzinfo=UTC)


def _load_workspace() -> Workspace:
    workspace = Workspace.demo()
    everyone = {"UANA", "UBEN", "UCARLA", workspace.bot_user_id}
    for channel in CHANNELS:
        workspace.add_channel(Channel(channel, channel.lower(), members=set(everyone)))
    return workspace


def test_two_processes_share_one_database_without_doing_anything_twice(
    tmp_path: Path, database_url: str
) -> None:
    workspace = _load_workspace()
    seed_weekday_checkins(database_url, tuple(CHANNELS))
    with EmulatorServer(workspace) as emulator:
        env = slack_env(workspace, emulator, database_url)
        with bot_processes(env, tmp_path, 2) as urls:
            sides = [SlackSide(workspace, emulator, f"{u}/slack/events", SECRET) for u in urls]

            # Slash commands spread over both processes, many at once on the same two cases.
            def file(n: int) -> str:
                side = sides[n % 2]
                delivery = side.slash_command("UANA", CHANNELS[n // 2 % 2], f"Load {n}")
                assert delivery.status == 200, delivery.body
                return delivery.body or ""

            with ThreadPoolExecutor(8) as pool:
                answers = list(pool.map(file, range(GRIEVANCES)))
            assert all("grievance #" in answer for answer in answers), answers

            # Each thread reply reaches both processes at once with the same event_id,
            # as when Slack retries to another instance.
            posts = [m for m in workspace.messages if m.bot_id and m.channel in CHANNELS]
            replies = []
            for n, post in enumerate(posts[:24]):
                reply = workspace.post_user_message("UCARLA", post.channel, f"reply {n}", post.ts)
                event = workspace.message_json(reply) | {
                    "channel": post.channel,
                    "event_ts": reply.ts,
                    "channel_type": "channel",
                }
                replies.append((event, f"EvTWICE{n:04d}"))

            def deliver_twice(item: tuple[dict[str, object], str]) -> None:
                event, event_id = item
                with ThreadPoolExecutor(2) as both:
                    outcomes = list(
                        both.map(
                            lambda side: side.deliver_event(event, event_id=event_id)[0], sides
                        )
                    )
                assert all(o.status == 200 for o in outcomes)

            with ThreadPoolExecutor(6) as pool:
                list(pool.map(deliver_twice, replies))

            # Both instances' schedulers wake for the same minute.
            def tick() -> subprocess.CompletedProcess[str]:
                return subprocess.run(
                    [sys.executable, "-m", "bot", "tick", "--at", "2030-01-07T09:31:00+00:00"],
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=90,
                )

            with ThreadPoolExecutor(2) as pool:
                ticks = list(pool.map(lambda _: tick(), range(2)))
            assert all(t.returncode == 0 for t in ticks), [t.stderr[-2000:] for t in ticks]

    db = Database.from_url(database_url)
    try:
        with db.transaction() as session:
            numbers: dict[int, list[int]] = {}
            for case_id, number in session.execute(select(Grievance.case_id, Grievance.number)):
                numbers.setdefault(case_id, []).append(number)
            replies_kept = Counter(
                session.scalars(
                    select(TimelineEntry.text).where(TimelineEntry.text.like("reply %"))
                )
            )
    finally:
        db.dispose()
    assert sum(len(n) for n in numbers.values()) == GRIEVANCES
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values()), numbers
    assert replies_kept == Counter(f"reply {n}" for n in range(len(replies))), replies_kept
    checkins = Counter(
        m.channel
        for m in workspace.messages
        if m.bot_id and m.channel in CHANNELS and "How are we doing?" in json.dumps(m.blocks)
    )
    assert checkins == Counter(CHANNELS), checkins  # each posted once: no duplicate, no miss
