"""A slow Slack and a slow bot: every post is recorded once and never doubled.

The emulator's delay fault lets a post take effect but answers it after the bot's
client (a one-second timeout here) has given up, as a slow or overloaded Slack does.
The bot must then find its post by the key it carries, record its ``ts`` so replies in
its thread are kept, and never post it a second time. A run held up past its claim's
lease loses it to the next run, and must then leave the post to that run.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.jobs import checkins as job
from bot.jobs.checkins import ChannelPacer
from bot.playbook.checkins import LEASE
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Channel
from bot.settings import Settings
from bot.slack.client import make_web_client
from storage.models import (
    Case,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    Grievance,
    OccurrenceStatus,
    TimelineEntry,
)
from storage.models import Workspace as WorkspaceRow

#: Monday 2 March 2026, 09:30 UTC: when the seeded check-ins fall due.
DUE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SLOWER_THAN_THE_CLIENT = 2.0  # seconds; the client gives up after 1
STORM_CHANNELS = [f"CSTORM{n:02d}" for n in range(20)]


@pytest.fixture
def slow_stack(database_url: str) -> Iterator[SandboxStack]:
    """The bot waiting at most a second for each Slack answer."""
    settings = Settings(database_url=database_url, _env_file=None)
    with SandboxStack(settings, client_timeout=1) as running:
        yield running


def _seed_checkins(stack: SandboxStack, channels: list[str]) -> None:
    """A case and a weekday 09:30 check-in per channel, last checked just before it is due."""
    everyone = {"UANA", "UBEN", "UCARLA", stack.workspace.bot_user_id}
    with stack.db.transaction() as session:
        workspace = session.scalar(select(WorkspaceRow)) or WorkspaceRow(team_id="T0SANDBOX")
        session.add(workspace)
        session.flush()
        for channel in channels:
            if channel not in stack.workspace.channels:
                stack.workspace.add_channel(Channel(channel, channel.lower(), members=everyone))
            case = Case(workspace_id=workspace.id, channel_id=channel, client_name=channel)
            session.add(case)
            session.flush()
            session.add(
                CheckinSchedule(
                    case_id=case.id,
                    channel_id=channel,
                    days="mon-fri",
                    anchor=date(2026, 3, 2),
                    time_of_day="09:30",
                    timezone="UTC",
                    questions=json.dumps(
                        [
                            {"kind": "rating", "text": "How are we doing?"},
                            {"kind": "text", "text": "Anything we should know?"},
                        ]
                    ),
                    checked_until=DUE - timedelta(minutes=30),
                )
            )


def _checkins(stack: SandboxStack) -> Counter[str]:
    """How many check-ins each channel got."""
    return Counter(
        m.channel
        for m in stack.workspace.messages
        if m.bot_id and m.text.startswith("Check-in for")
    )


def _occurrences(stack: SandboxStack) -> list[CheckinOccurrence]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(CheckinOccurrence).order_by(CheckinOccurrence.id)))


def test_a_check_in_answered_too_late_is_recorded_once_and_its_thread_replies_kept(
    slow_stack: SandboxStack,
) -> None:
    stack = slow_stack
    _seed_checkins(stack, ["CACME"])
    stack.workspace.inject_delay("chat.postMessage", SLOWER_THAN_THE_CLIENT)

    posted = job.run(stack.db, stack.app.client, DUE + timedelta(minutes=1), pacer=ChannelPacer(0))

    assert posted == 1
    assert _checkins(stack) == Counter({"CACME": 1})  # found by its key, not posted again
    [message] = [m for m in stack.workspace.messages if m.text.startswith("Check-in for")]
    [occurrence] = _occurrences(stack)
    assert occurrence.status is OccurrenceStatus.POSTED and occurrence.slack_ts == message.ts

    stack.slack.post_message("UCARLA", "CACME", "Friday's demo went well", thread_ts=message.ts)
    stack.settle()
    with stack.db.transaction() as session:
        assert session.scalars(select(CheckinAnswer.text)).all() == ["Friday's demo went well"]


def test_a_grievance_post_answered_too_late_keeps_its_thread(slow_stack: SandboxStack) -> None:
    stack = slow_stack
    stack.workspace.inject_delay("chat.postMessage", SLOWER_THAN_THE_CLIENT)

    stack.slack.slash_command("UANA", "CACME", "The invoice export broke again")
    stack.settle()

    [root] = [m for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id]
    assert "The invoice export broke again" in json.dumps(root.blocks)
    with stack.db.transaction() as session:
        assert session.scalars(select(Grievance.slack_ts)).all() == [root.ts]
    stack.slack.post_message("UCARLA", "CACME", "Still broken this morning", thread_ts=root.ts)
    stack.settle()
    with stack.db.transaction() as session:
        replies = session.scalars(select(TimelineEntry.text).where(TimelineEntry.kind == "reply"))
        assert replies.all() == ["Still broken this morning"]


def test_a_rate_limit_storm_on_a_slow_slack_posts_every_check_in_exactly_once(
    slow_stack: SandboxStack,
) -> None:
    stack = slow_stack
    _seed_checkins(stack, STORM_CHANNELS)
    # Longer than the client's own retries, and what gets through is answered too late.
    stack.workspace.inject_rate_limit("chat.postMessage", retry_after=0, times=30)
    stack.workspace.inject_delay("chat.postMessage", SLOWER_THAN_THE_CLIENT, times=6)
    client = make_web_client(stack.workspace.bot_token, stack.emulator.base_url, timeout=1)

    first = job.run(stack.db, client, DUE + timedelta(minutes=1), pacer=ChannelPacer(0))
    waiting = [o for o in _occurrences(stack) if o.status is OccurrenceStatus.RETRY]
    assert first < len(STORM_CHANNELS) and waiting  # the storm outlasted the retries
    later = [job.run(stack.db, client, DUE + timedelta(minutes=m)) for m in (2, 3, 4)]

    assert first + sum(later) == len(STORM_CHANNELS)
    assert _checkins(stack) == Counter({channel: 1 for channel in STORM_CHANNELS})
    occurrences = _occurrences(stack)
    assert {o.status for o in occurrences} == {OccurrenceStatus.POSTED}
    posted_ts = {m.ts for m in stack.workspace.messages if m.text.startswith("Check-in for")}
    assert {o.slack_ts for o in occurrences} == posted_ts


def test_a_run_held_up_past_its_lease_leaves_the_check_in_to_the_run_that_took_it_over(
    stack: SandboxStack,
) -> None:
    _seed_checkins(stack, ["CACME"])
    stalled, go_on = threading.Event(), threading.Event()

    class HeldUp(ChannelPacer):
        """The first run stops just before posting, as a process starved of CPU does."""

        def wait(self, channel: str) -> None:
            stalled.set()
            go_on.wait(timeout=10)

    counts: list[int] = []
    slow = threading.Thread(
        target=lambda: counts.append(
            job.run(stack.db, stack.app.client, DUE + timedelta(minutes=1), pacer=HeldUp(0))
        )
    )
    slow.start()
    assert stalled.wait(timeout=10)
    try:
        early = job.run(stack.db, stack.app.client, DUE + timedelta(minutes=3))
        late = job.run(stack.db, stack.app.client, DUE + timedelta(minutes=1) + LEASE)
    finally:
        go_on.set()
        slow.join(timeout=10)

    assert (early, late, counts) == (0, 1, [0])  # taken over only once the lease ran out
    assert _checkins(stack) == Counter({"CACME": 1})
    [occurrence] = _occurrences(stack)
    assert occurrence.status is OccurrenceStatus.POSTED
