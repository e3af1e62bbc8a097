"""Keep every reply in a grievance's thread, with its edits and deletions; a reply in a
check-in's thread is an answer to that check-in.

Bolt's ``app.message`` skips the ``message_changed`` and ``message_deleted`` subtypes, so
all message events come through ``app.event("message")`` and are sorted here. Messages
outside grievance and check-in threads and the bot's own messages are not stored
(``bot.flows.threads`` decides which thread is whose).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.flows import threads
from bot.slack.identity import Acting
from handlers.slack_text import from_slack

_IGNORED_SUBTYPES = {
    "bot_message",
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
}


def _is_bot(message: dict[str, Any]) -> bool:
    return bool(message.get("bot_id") or message.get("subtype") == "bot_message")


def on_message(event: dict[str, Any], acting: Acting, deps: Deps, client: WebClient) -> None:
    """Sort a message event: an edit, a deletion, a thread reply, or nothing to keep."""
    subtype = event.get("subtype")
    channel = event.get("channel")
    if not isinstance(channel, str):
        return
    if subtype == "message_changed":
        message = event.get("message") or {}
        if not _is_bot(message) and message.get("ts"):
            text = from_slack(message.get("text"))
            threads.keep_edit(deps.db, channel=channel, ts=message["ts"], text=text)
        return
    if subtype == "message_deleted":
        deleted_ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        if deleted_ts:
            threads.keep_deletion(deps.db, channel=channel, ts=deleted_ts)
        return
    if subtype in _IGNORED_SUBTYPES or _is_bot(event):
        return
    thread_ts, ts, user = event.get("thread_ts"), event.get("ts"), event.get("user")
    if not (thread_ts and ts and thread_ts != ts and isinstance(user, str)):
        return
    threads.keep_reply(
        deps.db,
        client,
        home=acting.home,  # never the envelope's team_id: the sender's, in a shared channel
        channel=channel,
        thread_ts=thread_ts,
        ts=ts,
        user=user,
        text=from_slack(event.get("text")),
        now=deps.now(),
    )


def register(app: App) -> None:
    """Listen to message events in channels the bot is in."""
    app.event("message")(on_message)
