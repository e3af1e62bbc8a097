"""The one Web API client of a process, with Slack-aware retries and repairs.

slack_sdk retries only connection errors by default; Slack also answers 429 with a
``Retry-After`` and has the odd 5xx, so every call made by the bot goes through a client
that waits and retries those too.

Two refusals have a sure fix, so the client applies it instead of every caller:
``not_in_channel`` on a public channel is answered by joining it and trying once more,
and a message Slack refuses for its blocks or its length (``invalid_blocks``,
``msg_too_long``) is sent again as plain, trimmed text, so its content still arrives.
Every other refusal reaches the caller, which knows whom to tell (``bot.slack.faults``).

A post is never sent twice by a retry: each ``chat.postMessage`` carries a key
(``bot.slack.posts``), a connection lost after the request went out is not retried
blindly, and when a post times out the client looks for it by its key first. Found,
its answer is rebuilt from the message, so the caller records its ``ts`` as usual; not
there, it is posted once more with the same key.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot.blocks.text import trim
from bot.form_seal import FormSeal
from bot.slack.faults import Fault, Remedy, fault_of
from bot.slack.posts import find_post, with_post_key

#: A child of "slack_sdk", so the DEBUG cap in bot.logs (request bodies hold people's words)
#: applies to it too.
logger = logging.getLogger("slack_sdk.web.grievance_bot")

#: Methods whose message can be re-sent as plain text.
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
#: Slack advises keeping a message's text under 4,000 characters.
PLAIN_TEXT_LIMIT = 3_900
#: Seconds to wait for Slack's answer to one call.
TIMEOUT = 10
#: What a call raises when its request may have reached Slack but the answer did not
#: come back: a timeout, or a connection dropped while waiting. (A ``URLError`` means the
#: request never went out whole: nothing happened.)
MAYBE_SENT = (TimeoutError, ConnectionError, HTTPException)
#: Methods that hand a view (and its ``private_metadata``) to a person.
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})


class RepairingWebClient(WebClient):
    """A WebClient that repairs ``not_in_channel`` and refused layouts, once per call, and
    never posts a message twice.

    A copy made by ``acting_for`` also seals every view it hands out (``bot.form_seal``).
    """

    _form_seal: FormSeal | None = None
    _form_owner: str = ""

    def acting_for(self, seal: FormSeal, user_id: str) -> RepairingWebClient:
        """This client for one request: the forms it opens are sealed for ``user_id``."""
        bound = copy.copy(self)
        bound._form_seal, bound._form_owner = seal, user_id
        return bound

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        """Call Slack; a post is made at most once (see ``_post_once``)."""
        if api_method == "chat.postMessage" and isinstance(kwargs.get("json"), dict):
            return self._post_once(kwargs)
        return self._repairing_call(api_method, kwargs)

    def _post_once(self, call: dict[str, Any]) -> SlackResponse:
        """Post with a key; when the answer is lost, look for the post before trying again.

        The post is sent twice at most, the second time only when Slack shows the first
        is not there. If it cannot be looked for (Slack is out, or the conversation is
        one the bot may not read, such as a DM), the error is raised: the post may be
        there, so it is not sent again.
        """
        message = dict(call["json"])
        key = with_post_key(message)
        call = {**call, "json": message}
        answer = self._post_or_find(call, key, last=False)
        return answer if answer is not None else self._post_or_find(call, key, last=True)

    def _post_or_find(self, call: dict[str, Any], key: str, *, last: bool) -> SlackResponse | None:
        """Post; when the answer is lost, the post found by its key, or None when it is
        not there (raised instead on the ``last`` try)."""
        try:
            return self._repairing_call("chat.postMessage", call)
        except URLError:
            raise  # the request never went out whole: nothing was posted
        except MAYBE_SENT as lost:
            found = self._lost_post(call["json"], key, lost)
            if found is None and last:
                raise
            return found

    def _lost_post(
        self, message: dict[str, Any], key: str, lost: BaseException
    ) -> SlackResponse | None:
        """The answer of the post whose answer was ``lost``, rebuilt from the message found
        by its key; None when Slack shows it is not there; ``lost`` when Slack cannot say."""
        channel, thread_ts = str(message.get("channel") or ""), message.get("thread_ts")
        try:
            found = find_post(self, channel, key, thread_ts)
        except (SlackApiError, OSError, HTTPException) as unknown:
            raise lost from unknown
        if found is None:
            return None
        logger.warning(
            "a post's answer was lost; found it by its key",
            extra={"method": "chat.postMessage", "channel": channel},
        )
        return SlackResponse(
            client=self,
            http_verb="POST",
            api_url=f"{self.base_url}chat.postMessage",
            req_args={},
            data={"ok": True, "channel": channel, "ts": found["ts"], "message": found},
            headers={},
            status_code=200,
        )

    def _repairing_call(self, api_method: str, kwargs: dict[str, Any]) -> SlackResponse:
        """Call Slack; on a refusal with a sure fix, apply it and try exactly once more."""
        if api_method in VIEW_METHODS and self._form_seal is not None:
            kwargs = self._sealed(kwargs)
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            retry = self._repaired(api_method, kwargs, fault_of(exc))
            if retry is None:
                raise
            return super().api_call(api_method, **retry)

    def _sealed(self, call: dict[str, Any]) -> dict[str, Any]:
        """The call with its view's ``private_metadata`` sealed for the person it is for."""
        arguments = dict(call.get("json") or {})
        if self._form_seal is None or "view" not in arguments:
            return call
        owner = arguments.get("user_id") or self._form_owner
        arguments["view"] = self._form_seal.seal_view(arguments["view"], str(owner))
        return {**call, "json": arguments}

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


class ConnectionRetry(ConnectionErrorRetryHandler):
    """slack_sdk's retry of lost connections, except for a post that may have gone out.

    slack_sdk retries a connection reset or dropped while waiting for the answer; for a
    post that could mean posting twice, so ``RepairingWebClient`` looks for it instead.
    """

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.endswith("/chat.postMessage") and not isinstance(error, URLError):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def make_web_client(
    token: str, base_url: str, *, max_retries: int = 3, timeout: int = TIMEOUT
) -> RepairingWebClient:
    """The client for ``base_url``: retrying rate limits, server errors and lost
    connections, and repairing what ``RepairingWebClient`` repairs; ``timeout`` is how
    many seconds one call waits for Slack's answer."""
    return RepairingWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        logger=logger,
        retry_handlers=[
            ConnectionRetry(max_retry_count=max_retries),
            RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
        ],
    )
