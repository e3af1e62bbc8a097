"""Posting exactly once: every post carries a key, so a post whose answer was lost is found.

Slack has no idempotency key for ``chat.postMessage``. When a post times out, or the
connection drops after the request went out, Slack may or may not have posted it, and
posting again blindly can put the same message in the channel twice. So each post
carries a key in its message metadata (``event_type`` ``grievance_bot_post``), and
whoever is unsure whether it went out looks for that key among the channel's newest
messages (or the thread's replies) before posting again. A caller that may try the same
post from another process later (a scheduled check-in) passes a key of its own making,
the same every time; otherwise each post gets a fresh one.
"""

from __future__ import annotations

import uuid
from typing import Any

from slack_sdk import WebClient

#: The message metadata event type that carries a post's key.
POST_EVENT = "grievance_bot_post"
#: How many of a channel's newest messages are searched for a post whose answer was lost:
#: the bot looks at once, or a few minutes later, so its post is among the newest.
RECENT_MESSAGES = 100
#: How many replies of a thread are searched (Slack's largest page).
THREAD_REPLIES = 1000


def with_post_key(message: dict[str, Any], key: str | None = None) -> str:
    """Give ``message`` (chat.postMessage arguments) a post key and return it.

    A key already in its metadata is kept; metadata the caller set for another purpose
    keeps its event type and gains the key in its payload.
    """
    metadata = dict(message.get("metadata") or {})
    payload = dict(metadata.get("event_payload") or {})
    chosen = str(payload.get("post_key") or key or uuid.uuid4().hex)
    metadata.setdefault("event_type", POST_EVENT)
    metadata["event_payload"] = {**payload, "post_key": chosen}
    message["metadata"] = metadata
    return chosen


def post_metadata(key: str) -> dict[str, Any]:
    """The ``metadata`` argument that marks a post with ``key``."""
    return {"event_type": POST_EVENT, "event_payload": {"post_key": key}}


def find_post(
    client: WebClient, channel: str, key: str, thread_ts: str | None = None
) -> dict[str, Any] | None:
    """The message posted with ``key`` in ``channel`` (or in the thread ``thread_ts``), or
    None when it is not there.

    Raises what Slack raises when it cannot be asked (an outage, or a conversation the
    bot may not read, such as a DM): then nobody can tell, and the caller must not post.
    """
    if thread_ts:
        answer = client.conversations_replies(
            channel=channel, ts=thread_ts, limit=THREAD_REPLIES, include_all_metadata=True
        )
    else:
        answer = client.conversations_history(
            channel=channel, limit=RECENT_MESSAGES, include_all_metadata=True
        )
    for message in answer.get("messages") or []:
        metadata = message.get("metadata") or {}
        if (metadata.get("event_payload") or {}).get("post_key") == key:
            return dict(message)
    return None
