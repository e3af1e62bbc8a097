"""Commands in a busy case channel skip the membership round trip before acknowledging,
without ever hiding that the bot cannot work in a channel."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.sandbox.stack import SandboxStack
from storage.models import Grievance


def _grievance_count(stack: SandboxStack) -> int:
    with stack.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Grievance)) or 0)


def test_a_second_grievance_in_the_channel_is_acknowledged_without_asking_slack_again(
    stack: SandboxStack,
) -> None:
    for text in ("The export broke again", "And nobody answered our email"):
        assert "grievance #" in (stack.slack.slash_command("UCARLA", "CACME", text).body or "")
        stack.settle()  # the first is checked after its acknowledgement, then remembered
    assert len(stack.workspace.calls_to("conversations.info")) == 1
    assert _grievance_count(stack) == 2


def test_a_refusal_is_not_remembered_so_inviting_the_bot_works_at_once(
    stack: SandboxStack,
) -> None:
    refused = stack.slack.slash_command("UANA", "CLOBBY", "Nobody told us about the outage")
    assert "grievance #1" in (refused.body or "")  # kept, and said so at once
    stack.settle()
    told = [e.text for e in stack.workspace.ephemerals if e.user == "UANA"]
    assert any("/invite @grievance-bot" in text for text in told), told
    stack.workspace.get_channel("CLOBBY").members.add(stack.workspace.bot_user_id)
    accepted = stack.slack.slash_command("UANA", "CLOBBY", "The status page was wrong too")
    stack.settle()
    assert "grievance #2" in (accepted.body or "")
    posted = [m.text for m in stack.workspace.messages if m.channel == "CLOBBY"]
    assert any("The status page was wrong too" in text for text in posted), posted


def test_removed_from_a_private_channel_after_a_yes_the_grievance_is_kept_and_the_person_told(
    stack: SandboxStack,
) -> None:
    stack.slack.slash_command("UANA", "CINTERNAL", "The vendor missed the deadline")
    stack.settle()
    stack.workspace.get_channel("CINTERNAL").members.discard(stack.workspace.bot_user_id)
    second = stack.slack.slash_command("UANA", "CINTERNAL", "And again this week")
    stack.settle()
    assert "grievance #2" in (second.body or "")  # acknowledged only once it was on disk
    assert _grievance_count(stack) == 2
    dms = [m for m in stack.workspace.messages if m.channel.startswith("D") and m.bot_id]
    assert any("/invite @grievance-bot" in m.text for m in dms), [m.text for m in dms]
