"""Slack's rate limits and hiccups are retried by the bot's one Web API client."""

from __future__ import annotations

from bot.sandbox.stack import SandboxStack


def _grievance_posts(stack: SandboxStack) -> list[str]:
    return [m.text for m in stack.workspace.messages if m.bot_id and m.channel == "CACME"]


def test_a_429_with_retry_after_is_waited_out_and_the_post_lands_once(stack: SandboxStack) -> None:
    stack.workspace.inject_rate_limit("chat.postMessage", retry_after=1)
    stack.slack.slash_command("UANA", "CACME", "The staging server is down again")
    stack.settle()
    attempts = stack.workspace.calls_to("chat.postMessage")
    assert [call.error for call in attempts] == ["ratelimited", None]
    assert len(_grievance_posts(stack)) == 1


def test_a_server_error_is_retried(stack: SandboxStack) -> None:
    stack.workspace.inject_http_error("users.info", status=503)
    stack.slack.slash_command("UCARLA", "CACME", "Nobody answered our escalation")
    stack.settle()
    assert len(_grievance_posts(stack)) == 1
    assert "client side" in str(stack.workspace.messages[-1].blocks)  # the profile was read
