"""Small Slack delivery helpers every feature shares.

Private notes that fall back to a DM, DMs and channel posts that survive Slack's
refusals (see ``bot.slack.faults``), permalinks that need no API call when the
workspace URL is known, and per-message locks so in-place updates land in order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.blocks.links import permalink
from bot.slack.faults import Fault, fault_of

logger = logging.getLogger(__name__)


def tell(
    client: WebClient, channel: str, user: str, text: str, blocks: list[Any] | None = None
) -> None:
    """A private note to ``user``: ephemeral in the channel, else a DM, else a log line.

    An ephemeral fails when the person (or the bot) is not in the channel, or the channel
    is archived; the DM is the fallback, and if even that fails the note is logged rather
    than raised into the user's request.
    """
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
    except SlackApiError:
        direct_message(client, user, text, blocks)


def direct_message(
    client: WebClient, user: str, text: str, blocks: list[Any] | None = None
) -> Fault | None:
    """DM ``user``; None when it went out, else the fault (logged by its code only).

    Opening the DM first is what tells a deactivated account (``user_disabled``) from a
    live one; a fan-out skips whoever returns a fault and goes on with the others.
    """
    return _in_dm(
        client,
        user,
        lambda channel: client.chat_postMessage(channel=channel, text=text, blocks=blocks),
    )


def file_by_dm(
    client: WebClient, user: str, *, content: str, filename: str, title: str, note: str
) -> Fault | None:
    """Share a file with ``user`` in their DM, ``note`` as its message; None when it went
    out, else the fault. Only the recipient sees a DM, so it suits lead-only files."""
    return _in_dm(
        client,
        user,
        lambda channel: client.files_upload_v2(
            channel=channel, content=content, filename=filename, title=title, initial_comment=note
        ),
    )


def _in_dm(client: WebClient, user: str, send: Callable[[str], object]) -> Fault | None:
    """Open the DM with ``user`` and ``send`` to it (Slack wants a conversation id there,
    not a user id); a refusal becomes the fault, logged by its code only."""
    try:
        send(open_dm(client, user))
    except SlackApiError as exc:
        fault = fault_of(exc)
        logger.warning("could not reach a person", extra={"error": fault.code})
        return fault
    return None


def open_dm(client: WebClient, user: str) -> str:
    """The id of the bot's direct message with ``user`` (Slack wants a conversation id to
    post in, not a user id); raises Slack's refusal for callers that handle outages."""
    return str(client.conversations_open(users=user)["channel"]["id"])


def post_or_tell(client: WebClient, actor: str, saved: str, **message: Any) -> SlackResponse | None:
    """Post ``message`` in its channel; if Slack refuses, tell ``actor`` privately.

    ``saved`` says what is safe whatever happened (e.g. "Your update is saved, but I
    couldn't post it in the channel."); the fault's sentence says why and what to do.
    """
    try:
        return client.chat_postMessage(**message)
    except SlackApiError as exc:
        fault = fault_of(exc)
        logger.warning("message not posted", extra={"error": fault.code})
        tell(client, str(message.get("channel")), actor, f"{saved} {fault.sentence()}")
        return None


def link_to(
    client: WebClient, base_url: str | None, channel: str | None, ts: str | None
) -> str | None:
    """A message's permalink from the workspace URL ``base_url``; ask Slack only when that
    is unknown (and None when Slack will not say either)."""
    if not (channel and ts):
        return None
    link = permalink(base_url, channel, ts)
    if link is not None:
        return link
    try:
        return client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SlackApiError:
        return None


class MessageLocks:
    """One lock per message, so in-place updates land in order within this process.

    Each updater re-reads the database *after* taking the lock, so whichever update Slack
    sees last shows everything committed before it.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, threading.Lock] = {}

    def __call__(self, key: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())


class Rerenders:
    """At most one re-render of a message at a time, and one more if asked meanwhile.

    A re-render reads the database afresh, so the last one shows everything committed
    before it. Presses arriving while one is in flight fold into a single follow-up
    instead of each waiting its turn on an outbound worker: under a slow Slack, twenty
    presses queued on one message's lock would hold every worker (``bot.slack.outbound``).
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        #: Messages being re-rendered, each with whether it was asked for again meanwhile.
        self._busy: dict[int, bool] = {}

    def run(self, key: int, render: Callable[[], None]) -> None:
        """``render`` message ``key`` now, or leave it to the re-render in flight."""
        with self._guard:
            if key in self._busy:
                self._busy[key] = True
                return
            self._busy[key] = False
        try:
            while True:
                render()
                with self._guard:
                    if not self._busy[key]:
                        return
                    self._busy[key] = False
        finally:
            with self._guard:
                self._busy.pop(key, None)
