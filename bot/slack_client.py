"""The one Web API client of a process, with Slack-aware retries and repairs.

slack_sdk retries only connection errors by default; Slack also answers 429 with a
``Retry-After`` and has the odd 5xx, so every call made by the bot goes through a client
that waits and retries those too.

Two refusals have a sure fix, so the client applies it instead of every caller:
``not_in_channel`` on a public channel is answered by joining it and trying once more,
and a message Slack refuses for its blocks or its length (``invalid_blocks``,
``msg_too_long``) is sent again as plain, trimmed text, so its content still arrives.
Every other refusal reaches the caller, which knows whom to tell (``bot.slack_faults``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.blocks.text import trim
from bot.slack_faults import Fault, Remedy, fault_of

#: A child of "slack_sdk", so the DEBUG cap in bot.logs (request bodies hold people's words)
#: applies to it too.
logger = logging.getLogger("slack_sdk.web.grievance_bot")

#: Methods whose message can be re-sent as plain text.
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
#: Slack advises keeping a message's text under 4,000 characters.
PLAIN_TEXT_LIMIT = 3_900


class RepairingWebClient(WebClient):
    """A WebClient that repairs ``not_in_channel`` and refused layouts, once per call."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        """Call Slack; on a refusal with a sure fix, apply it and try exactly once more."""
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            retry = self._repaired(api_method, kwargs, fault_of(exc))
            if retry is None:
                raise
            return super().api_call(api_method, **retry)

    def _repaired(self, method: str, call: dict[str, Any], fault: Fault) -> dict[str, Any] | None:
        """The call to make again, or None when there is nothing to repair."""
        if fault.remedy is Remedy.JOIN and method != "conversations.join":
            channel = _channel_of(call)
            return call if channel and self._joined(channel) else None
        if fault.remedy is Remedy.PLAIN_TEXT and method in MESSAGE_METHODS:
            plain = _as_plain_text(call, keep_no_blocks=method == "chat.update")
            if plain is not None:
                logger.warning("message re-sent as plain text", extra=_facts(method, fault))
            return plain
        return None

    def _joined(self, channel: str) -> bool:
        """Join a public channel; True only if that changed anything (else retrying is futile).

        A private channel answers ``method_not_supported_for_channel_type``: the bot must
        be invited, which the caller tells the person.
        """
        try:
            answer = self.conversations_join(channel=channel)
        except SlackApiError as exc:
            logger.info("channel not joined", extra=_facts("conversations.join", fault_of(exc)))
            return False
        warnings = (answer.get("response_metadata") or {}).get("warnings") or []
        joined = "already_in_channel" not in (answer.get("warning"), *warnings)
        if joined:
            logger.info("joined a public channel to post there", extra={"channel": channel})
        return joined


def _facts(method: str, fault: Fault) -> dict[str, str]:
    """What a log line says about a refusal: the method and the code, never the body."""
    return {"method": method, "error": fault.code}


def _channel_of(call: dict[str, Any]) -> str | None:
    """The channel a call is about, wherever slack_sdk put its arguments."""
    for part in ("json", "params", "data"):
        arguments = call.get(part) or {}
        channel = arguments.get("channel") or arguments.get("channel_id")
        if isinstance(channel, str) and channel:
            return channel
    return None


def _as_plain_text(call: dict[str, Any], *, keep_no_blocks: bool) -> dict[str, Any] | None:
    """The same message as plain text: its blocks' words (or its text), trimmed.

    ``chat.update`` keeps a message's old blocks unless told otherwise, so an update
    clears them (``keep_no_blocks``) for the plain text to show.
    """
    message = dict(call.get("json") or {})
    blocks = message.pop("blocks", None)
    text = "\n".join(_block_texts(blocks)) or message.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    message["text"] = trim(text, PLAIN_TEXT_LIMIT)
    if keep_no_blocks:
        message["blocks"] = []
    return {**call, "json": message}


def _block_texts(blocks: object) -> Iterator[str]:
    """The visible words of Block Kit blocks: headers, sections, fields and context."""
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        parts = [block.get("text"), *(block.get("fields") or [])]
        if block.get("type") == "context":
            parts += block.get("elements") or []
        for part in parts:
            if isinstance(part, dict) and isinstance(part.get("text"), str) and part["text"]:
                yield part["text"]


def make_web_client(
    token: str, base_url: str, *, max_retries: int = 3, timeout: int = 10
) -> RepairingWebClient:
    """The client for ``base_url``: retrying rate limits, server errors and lost
    connections, and repairing what ``RepairingWebClient`` repairs.

    ``timeout`` (seconds) bounds how long one call may hold an outbound worker while
    Slack is slow (``bot.outbound``)."""
    return RepairingWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        logger=logger,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=max_retries),
            RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
        ],
    )
