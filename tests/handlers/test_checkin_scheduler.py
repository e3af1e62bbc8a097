"""The check-in scheduler with a chosen clock: posted once, on time, late or missed,
paced per channel, and what a gone channel, rate limits and Slack outages do.

Schedules are created at the wall clock's time; tests then set a schedule's cursor
(``checked_until``) to the moment they want and drive ``bot.jobs.checkins.run`` with an
explicit ``now``.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.jobs import checkins as job
from bot.jobs.checkins import ChannelPacer
from bot.sandbox.stack import SandboxStack
from bot.slack.client import make_web_client
from storage.engine import Database
from storage.models import Notice, OccurrenceStatus
from tests.handlers.checkins_helpers import (
    CHANNEL,
    MONDAY,
    NO_PACE,
    _checkins,
    _command,
    _dms,
    _entries,
    _from,
    _occurrences,
    _open_case,
    _run,
    _schedule,
    _schedules,
)

# ---- the scheduler -------------------------------------------------------------------------


def test_posted_once_on_time_then_late_within_grace_and_missed_beyond(
    stack: SandboxStack, database_url: str
) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")
    _from(stack, number, MONDAY + timedelta(hours=9))
    at_930 = MONDAY + timedelta(hours=9, minutes=30, seconds=20)

    assert _run(stack, at_930 - timedelta(minutes=1)) == 0
    assert _run(stack, at_930) == 1
    assert _run(stack, at_930) == 0  # repeated tick
    assert _run(stack, at_930 - timedelta(hours=2)) == 0  # the clock jumped back
    restarted = Database.from_url(database_url)  # another process on the same database
    try:
        assert job.run(restarted, stack.app.client, at_930 + timedelta(minutes=5)) == 0
    finally:
        restarted.dispose()

    [message] = _checkins(stack)
    assert [b["type"] for b in message.blocks][:4] == ["header", "context", "section", "actions"]
    assert "For everyone" in json.dumps(message.blocks) and "Posted late" not in message.text
    [posted] = _occurrences(stack)
    assert posted.status is OccurrenceStatus.POSTED and posted.slack_ts == message.ts
    buttons = next(b for b in message.blocks if b["type"] == "actions")["elements"]
    assert buttons[2]["value"] == f"{posted.id}:0:3"

    # Down from Monday evening to Wednesday 10:00: Tuesday is too old, Wednesday is late.
    told_before = len(_dms(stack, "UANA"))
    assert _run(stack, MONDAY + timedelta(days=2, hours=10)) == 1
    assert _run(stack, MONDAY + timedelta(days=2, hours=11)) == 0
    _monday, tuesday, wednesday = _occurrences(stack)
    assert tuesday.status is OccurrenceStatus.MISSED and not tuesday.late
    [told] = _dms(stack, "UANA")[told_before:]  # its owner is told once, never the client
    assert "was not posted" in told.text and "Tue 03 Mar 09:30" in told.text
    assert wednesday.status is OccurrenceStatus.POSTED and wednesday.late
    late = _checkins(stack)[-1]
    assert "Posted late: it was due at 09:30" in json.dumps(late.blocks)
    assert _entries(stack, "checkin_posted") == [
        f"Check-in #{number} posted",
        f"Check-in #{number} posted (late)",
    ]


def test_two_runs_at_once_post_each_check_in_once(stack: SandboxStack) -> None:
    _open_case(stack)
    first = _schedule(stack, "every weekday at 9:30")
    second = _schedule(stack, "every weekday at 9:40 for team side")
    for number in (first, second):
        _from(stack, number, MONDAY)
    now = MONDAY + timedelta(hours=9, minutes=45)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(_run(stack, now))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(counts) in ([0, 2], [1, 1])
    assert len(_checkins(stack)) == 2
    assert [o.status for o in _occurrences(stack)] == [OccurrenceStatus.POSTED] * 2


def test_check_ins_to_one_channel_keep_a_second_apart(stack: SandboxStack) -> None:
    _open_case(stack)
    for text in ("every weekday at 9:30", "every weekday at 9:30 for client side"):
        _from(stack, _schedule(stack, text), MONDAY)
    slept: list[float] = []
    pacer = ChannelPacer(1.0, clock=lambda: 0.0, sleep=slept.append)

    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31), pacer=pacer) == 2
    assert slept == [1.0]


@pytest.mark.parametrize("how", ["archived", "removed", "deleted"])
def test_a_channel_gone_pauses_its_schedule_and_tells_the_owner_once(
    stack: SandboxStack, how: str
) -> None:
    _open_case(stack)
    number = _schedule(stack, "every day at 9:30")
    _from(stack, number, MONDAY)
    if how == "archived":
        stack.workspace.channels[CHANNEL].is_archived = True
        error = "is_archived"
    else:
        error = "not_in_channel" if how == "removed" else "channel_not_found"
        stack.workspace.inject("chat.postMessage", error)

    before = len(stack.workspace.calls_to("chat.postMessage"))
    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 0
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 0

    [failed] = _occurrences(stack)
    assert failed.status is OccurrenceStatus.FAILED and failed.error == error
    [schedule] = _schedules(stack)
    assert schedule.paused and schedule.paused_reason
    [dm] = _dms(stack, "UANA")
    assert f"paused check-in *#{number}*" in dm.text and "resume" in dm.text
    assert len(stack.workspace.calls_to("chat.postMessage")) - before == 2  # the try, the DM
    with stack.db.transaction() as session:
        assert session.scalars(select(Notice.kind)).all() == ["schedule_paused"]
    assert _entries(stack, "checkin_paused")[0].startswith(f"Check-in #{number} paused: ")

    stack.workspace.channels[CHANNEL].is_archived = False
    _command(stack, "UANA", f"checkin resume {number}")
    with stack.db.transaction() as session:
        assert session.scalars(select(Notice)).all() == []  # a new failure would be told


def test_a_rate_limited_channel_does_not_hold_up_the_others(stack: SandboxStack) -> None:
    _open_case(stack)
    _open_case(stack, "CINTERNAL")
    acme = _schedule(stack, "every weekday at 9:30")
    internal = _schedule(stack, "every weekday at 9:30", "CINTERNAL")
    for number in (acme, internal):
        _from(stack, number, MONDAY)
    client = make_web_client(stack.workspace.bot_token, stack.emulator.base_url, max_retries=2)
    other_posted = threading.Event()
    waited: list[bool] = []
    post = client.chat_postMessage

    def slow_in_acme(**kwargs: Any) -> Any:
        if kwargs.get("channel") == CHANNEL:
            waited.append(other_posted.wait(timeout=5))  # Acme waits while the other posts
            stack.workspace.inject_rate_limit("chat.postMessage", retry_after=0, times=3)
            return post(**kwargs)
        answer = post(**kwargs)
        other_posted.set()
        return answer

    client.chat_postMessage = slow_in_acme  # type: ignore[method-assign]

    assert job.run(stack.db, client, MONDAY + timedelta(hours=9, minutes=31), pacer=NO_PACE) == 1

    assert waited == [True]
    by_schedule = {o.schedule_id: o for o in _occurrences(stack)}
    assert by_schedule[internal].status is OccurrenceStatus.POSTED
    assert by_schedule[acme].status is OccurrenceStatus.RETRY  # an outage: kept for later
    assert by_schedule[acme].error == "waiting for Slack: ratelimited"
    assert not any(s.paused for s in _schedules(stack))  # a rate limit is not a gone channel
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 2


def test_a_short_rate_limit_is_waited_out_and_posts_once(stack: SandboxStack) -> None:
    _open_case(stack)
    _from(stack, _schedule(stack, "every weekday at 9:30"), MONDAY)
    stack.workspace.inject_rate_limit("chat.postMessage", retry_after=0, times=1)

    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 1
    assert len(_checkins(stack)) == 1


def _slack_unreachable() -> WebClient:
    """A client whose Slack never answers (nothing listens on port 9)."""
    return make_web_client("xoxb-unreachable", "http://127.0.0.1:9/api/", max_retries=0)


def test_a_slack_outage_keeps_the_check_in_due_and_a_later_run_posts_it_once(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _from(stack, _schedule(stack, "every weekday at 9:30"), MONDAY)
    stack.workspace.inject("chat.postMessage", "service_unavailable")

    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 0
    assert job.run(stack.db, _slack_unreachable(), MONDAY + timedelta(hours=9, minutes=45)) == 0
    [waiting] = _occurrences(stack)
    assert waiting.status is OccurrenceStatus.RETRY and _checkins(stack) == []

    # Slack is back within the grace period; two instances tick at once.
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(_run(stack, MONDAY + timedelta(hours=10)))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(counts) == [0, 1]
    assert _run(stack, MONDAY + timedelta(hours=10, minutes=1)) == 0
    [message] = _checkins(stack)
    assert "Posted late: it was due at 09:30" in json.dumps(message.blocks)
    [posted] = _occurrences(stack)
    assert posted.status is OccurrenceStatus.POSTED and posted.slack_ts == message.ts
    assert _dms(stack, "UANA") == []


def test_slack_down_past_the_grace_period_misses_the_check_in_and_tells_the_owner_once(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")
    _from(stack, number, MONDAY)
    down = _slack_unreachable()

    for minutes in (31, 60, 91):  # the grace period (an hour) runs out while Slack is down
        assert job.run(stack.db, down, MONDAY + timedelta(hours=9, minutes=minutes)) == 0
    [expired] = _occurrences(stack)
    assert expired.status is OccurrenceStatus.RETRY  # missed only once Slack shows it isn't there
    assert _dms(stack, "UANA") == []  # Slack was down: the owner is told once it is back

    assert _run(stack, MONDAY + timedelta(hours=11, minutes=30)) == 0
    assert _run(stack, MONDAY + timedelta(hours=11, minutes=31)) == 0
    [dm] = _dms(stack, "UANA")
    assert f"Check-in *#{number}*" in dm.text and "Mon 02 Mar 09:30" in dm.text
    assert "Slack or the bot was unavailable" in dm.text
    assert _checkins(stack) == []
    assert [o.status for o in _occurrences(stack)] == [OccurrenceStatus.MISSED]
    [schedule] = _schedules(stack)
    assert not schedule.paused  # an outage stops nothing: Tuesday's is posted as usual
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 1


def test_deleting_a_schedule_that_posted_keeps_its_history(stack: SandboxStack) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")
    _from(stack, number, MONDAY)
    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 1

    _command(stack, "UANA", f"checkin delete {number}")

    [kept] = _schedules(stack)
    assert kept.paused and kept.paused_reason == "deleted"
    assert len(_occurrences(stack)) == 1
    assert "No check-ins are scheduled" in _command(stack, "UANA", "checkin list")
    assert "no check-in" in _command(stack, "UANA", f"checkin resume {number}")
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 0
