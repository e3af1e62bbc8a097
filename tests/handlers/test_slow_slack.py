"""A slow Slack never holds up an acknowledgement: what needs Slack comes after it.

Slack gives up on a request after 3 seconds and tells the person it failed, although the
bot may have kept it. Someone the bot has never met is filed with what the request says
and confirmed after; their other commands are acknowledged at once and answered after.
The burst of eighty is ``tests/test_slow_slack_burst.py``, against the bot's own process.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, User
from bot.settings import Settings
from storage.models import Grievance, Side

CHANNEL = "CACME"
#: One acknowledgement with nothing else going on: well inside Slack's 3 s.
ACK_BUDGET = 1.0


def _posted(stack: SandboxStack, words: str) -> list[Message]:
    return [m for m in stack.workspace.messages if m.channel == CHANNEL and words in m.text]


def test_someone_slack_does_not_describe_in_time_is_filed_on_the_client_side(
    database_url: str,
) -> None:
    settings = Settings(database_url=database_url, _env_file=None)
    with SandboxStack(settings, client_timeout=1) as stack:
        stack.workspace.inject_delay("users.info", 2, times=1)  # over the client's timeout

        started = time.perf_counter()
        delivery = stack.slack.slash_command("UBEN", CHANNEL, "Nobody reviewed the release")

        assert time.perf_counter() - started < ACK_BUDGET  # the look-up comes after
        assert "grievance #1" in delivery.body
        assert stack.settle()
        with stack.db.transaction() as session:
            [grievance] = session.scalars(select(Grievance))
            assert grievance.side is Side.CLIENT  # Ben is team side, but Slack never said so
            assert grievance.reporter is not None and grievance.reporter.side is Side.CLIENT
        [post] = _posted(stack, "Nobody reviewed the release")
        assert "(client side)" in json.dumps(post.blocks)


def test_a_first_time_callers_subcommand_is_acknowledged_before_slack_says_who_they_are(
    stack: SandboxStack,
) -> None:
    assert stack.slack.slash_command("UANA", CHANNEL, "The export broke again").status == 200
    assert stack.settle()
    stack.workspace.inject_delay("users.info", 2, times=2)  # Slack is slow to describe them

    for user_id in ("UBEN", "UCARLA"):  # never met: a teammate, then a client
        started = time.perf_counter()
        delivery = stack.slack.slash_command(user_id, CHANNEL, "lead me")
        assert time.perf_counter() - started < ACK_BUDGET  # not waiting on users.info
        assert delivery.status == 200 and delivery.body == ""
    assert stack.settle()

    def seen_by(user_id: str) -> str:
        return " ".join(e.text for e in stack.workspace.ephemerals if e.user == user_id)

    assert "already has a lead" in seen_by("UBEN")  # answered as the teammate Slack says
    assert "delivery team" in seen_by("UCARLA")  # refused on the client side, privately


def test_buttons_pressed_while_slack_is_slow_leave_the_next_acknowledgement_waiting_on_nothing(
    stack: SandboxStack,
) -> None:
    assert stack.slack.slash_command("UANA", CHANNEL, "Ana opens the case").status == 200
    pressers = [f"UPRESS{n:02d}" for n in range(12)]  # more than Bolt has workers
    for user_id in pressers:
        stack.workspace.add_user(
            User(
                user_id,
                user_id.lower(),
                user_id,
                stack.workspace.team_id,
                enterprise_id="E0SANDBOX",
            )
        )
        stack.workspace.get_channel(CHANNEL).members.add(user_id)
        delivery = stack.slack.slash_command("UCARLA", CHANNEL, f"Broken for {user_id}")
        assert delivery.status == 200
    assert stack.settle()
    stack.workspace.inject_delay("users.info", 2, times=len(pressers))  # who are they?

    for user_id in pressers:
        [post] = _posted(stack, f"Broken for {user_id}")
        started = time.perf_counter()
        pressed = stack.slack.click(
            user_id, "grievance_set_status:acknowledged", message=(post.channel, post.ts)
        )
        assert time.perf_counter() - started < ACK_BUDGET, user_id
        assert pressed.status == 200
    started = time.perf_counter()
    filed = stack.slack.slash_command("UANA", CHANNEL, "Still waiting on the export fix")
    assert time.perf_counter() - started < ACK_BUDGET  # no worker held by a slow look-up
    assert "grievance #14" in filed.body

    assert stack.settle(timeout=30)
    with stack.db.transaction() as session:
        statuses = {
            g.text: g.status.value
            for g in session.scalars(select(Grievance).where(Grievance.text.like("Broken for%")))
        }
    assert statuses == {f"Broken for {user_id}": "acknowledged" for user_id in pressers}
