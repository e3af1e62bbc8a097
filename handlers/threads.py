"""Keep every reply in a grievance's thread, with its edits and deletions; a reply in a
check-in's thread is an answer to that check-in.

Bolt's ``app.message`` skips the ``message_changed`` and ``message_deleted`` subtypes, so
all message events come through ``app.event("message")`` and are sorted here. Messages
outside grievance and check-in threads and the bot's own messages are not stored
(``bot.flows.threads`` decides which thread is whose).

What a message changes is written before Slack is answered, by a listener middleware
(``keep_message``), in one transaction with the event's delivery record: if the database
is down, nothing is recorded and the request is refused ``503``, so Slack delivers the
event again. Only a newcomer's reply goes on to the listener, which asks Slack who they
are (no Web API call may hold up the answer) and stores it then.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot.deps import Deps
from bot.flows import commitments, threads
from bot.playbook.deliveries import Delivery
from bot.playbook.errors import PlaybookError
from bot.slack.identity import Acting
from bot.slack.lookup import profile_of
from bot.slack.messages import tell
from handlers.commitments import announce, make_and_post
from handlers.direct import Direct
from handlers.fallback import handled
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


def keep_message(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """Sort a message event and keep what it changes: an edit, a deletion, a thread
    reply; a newcomer's reply goes on to ``meet_and_keep``, anything else stops here."""
    context = req.context
    event: dict[str, Any] = req.body["event"]
    deps: Deps = context["deps"]
    acting: Acting = context["acting"]
    delivery: Delivery | None = context["delivery"]
    subtype = event.get("subtype")
    channel = event.get("channel")
    if not isinstance(channel, str):
        return handled()
    if subtype == "message_changed":
        message = event.get("message") or {}
        if not _is_bot(message) and isinstance(message.get("ts"), str):
            text = from_slack(message.get("text"))
            threads.keep_edit(
                deps.db,
                channel=channel,
                ts=message["ts"],
                text=text,
                delivery=delivery,
                now=deps.now(),
            )
        return handled()
    if subtype == "message_deleted":
        deleted_ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
        if isinstance(deleted_ts, str):  # never a number: PostgreSQL compares it to text
            threads.keep_deletion(
                deps.db, channel=channel, ts=deleted_ts, delivery=delivery, now=deps.now()
            )
        return handled()
    if subtype in _IGNORED_SUBTYPES or _is_bot(event):
        return handled()
    thread_ts, ts, user = event.get("thread_ts"), event.get("ts"), event.get("user")
    if not (thread_ts and ts and thread_ts != ts and isinstance(user, str)):
        return handled()
    reply = threads.Reply(
        team_key=acting.home.key,  # never the envelope's team_id: the sender's, in a shared channel
        channel=channel,
        thread_ts=thread_ts,
        ts=ts,
        user=user,
        text=from_slack(event.get("text")),
        delivery=delivery,
    )
    kept = threads.keep_reply(deps.db, reply, now=deps.now())
    if kept is threads.Kept.NOT_KEPT:
        _mark_done_if_said(req, reply, deps)
    elif kept is threads.Kept.KEPT and _COMMIT.match(reply.text):
        _commit_from_thread(req, reply, deps, acting)
    if kept is not threads.Kept.NEWCOMER:
        return handled()
    context["reply"] = reply
    next()
    return None


#: A reply in a grievance's thread that records a commitment answering it.
_COMMIT = re.compile(r"commit\s+(me|<@[UW][A-Z0-9]+(\|[^>]*)?>)\s+\S", re.IGNORECASE)


def _commit_from_thread(req: BoltRequest, reply: threads.Reply, deps: Deps, acting: Acting) -> None:
    """``commit @owner <due> <what>`` in a grievance's thread (kept as a reply too) records
    a commitment answering that grievance, once Slack has been answered: who is named
    may have to be asked of Slack."""
    client: WebClient = req.context.client
    args = reply.text.strip().split(" ", 1)[1].strip()

    def record() -> None:
        try:
            said = make_and_post(client, deps, acting, reply.channel, args, reply.thread_ts)
        except PlaybookError as refusal:
            said = str(refusal)
        tell(client, reply.channel, reply.user, said)

    deps.after_ack(record)


def _mark_done_if_said(req: BoltRequest, reply: threads.Reply, deps: Deps) -> None:
    """``done [note]`` in a commitment's thread, by its owner or a lead, marks it done;
    what Slack must show of it (the message, the DMs, a refusal) waits for the answer."""
    client: WebClient = req.context.client
    try:
        done = commitments.done_in_thread(
            deps.db,
            team_id=reply.team_key,
            channel=reply.channel,
            thread_ts=reply.thread_ts,
            user_id=reply.user,
            text=reply.text,
            delivery=reply.delivery,
            now=deps.now(),
        )
    except PlaybookError as refusal:
        said = str(refusal)  # the name ``refusal`` is gone once this block ends
        deps.after_ack(lambda: tell(client, reply.channel, reply.user, said))
        return
    if done is not None:
        deps.after_ack(lambda: announce(client, done))


def meet_and_keep(reply: threads.Reply, acting: Acting, deps: Deps, client: WebClient) -> None:
    """A reply by someone the bot never met: ask Slack who they are, then keep it."""
    profile = profile_of(client, reply.user, acting.home)
    threads.keep_newcomer_reply(deps.db, reply, profile, now=deps.now())


def register(app: App) -> None:
    """Listen to message events in channels the bot is in."""
    app.event("message", middleware=[Direct(keep_message)])(meet_and_keep)
