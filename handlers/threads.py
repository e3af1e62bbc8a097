"""Keep every reply in a grievance's thread, with its edits and deletions; a reply in a
check-in's thread is an answer to that check-in.

Bolt's ``app.message`` skips the ``message_changed`` and ``message_deleted`` subtypes, so
all message events come through ``app.event("message")`` and are sorted here. Messages
outside grievance and check-in threads and the bot's own messages are not stored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.playbook import answers, health, people, threads
from bot.playbook.grievances import find_by_message
from handlers.deps import Deps
from handlers.lookup import profile_of
from handlers.slack_text import from_slack
from storage.models import CheckinOccurrence, Grievance, Person

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


def register(app: App, deps: Deps) -> None:
    """Listen to message events in channels the bot is in."""

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        subtype = event.get("subtype")
        channel = event.get("channel")
        if not isinstance(channel, str):
            return
        if subtype == "message_changed":
            message = event.get("message") or {}
            if not _is_bot(message) and message.get("ts"):
                with deps.db.transaction() as session:
                    threads.record_edit(
                        session=session,
                        channel=channel,
                        ts=message["ts"],
                        text=from_slack(message.get("text")),
                    )
                    answers.record_edit(
                        session=session,
                        channel=channel,
                        ts=message["ts"],
                        text=from_slack(message.get("text")),
                    )
            return
        if subtype == "message_deleted":
            deleted_ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
            if deleted_ts:
                with deps.db.transaction() as session:
                    threads.record_deletion(session=session, channel=channel, ts=deleted_ts)
                    answers.record_deletion(session=session, channel=channel, ts=deleted_ts)
            return
        if subtype in _IGNORED_SUBTYPES or _is_bot(event):
            return
        thread_ts, ts, user = event.get("thread_ts"), event.get("ts"), event.get("user")
        if not (thread_ts and ts and thread_ts != ts and isinstance(user, str)):
            return
        _store_reply(
            deps, client, body, channel, thread_ts, ts, user, from_slack(event.get("text"))
        )


def _store_reply(
    deps: Deps,
    client: WebClient,
    body: dict[str, Any],
    channel: str,
    thread_ts: str,
    ts: str,
    user: str,
    text: str,
) -> None:
    """Store the reply if its thread is a grievance's or a check-in's.

    Someone the bot has met is stored in one transaction; only a newcomer's profile is
    looked up in Slack, outside any transaction, and the reply stored after that.
    """
    home = deps.home(body)  # never the envelope's team_id: the sender's, in a shared channel
    with deps.db.transaction() as session:
        thread = _thread_of(session, channel, thread_ts)
        if thread is None:
            return
        workspace = people.ensure_workspace(session=session, team_id=home.key)
        author = people.find_person(session=session, workspace=workspace, user_id=user)
        if author is not None:
            _record(deps, session, thread, ts, author, text)
            return
    profile = profile_of(client, user, home)
    with deps.db.transaction() as session:
        thread = _thread_of(session, channel, thread_ts)
        workspace = people.ensure_workspace(session=session, team_id=home.key)
        author = people.ensure_person(session=session, workspace=workspace, profile=profile)
        if thread is not None:
            _record(deps, session, thread, ts, author, text)


def _thread_of(session: Session, channel: str, ts: str) -> Grievance | CheckinOccurrence | None:
    """The grievance or check-in whose message starts the thread at ``ts``, if any."""
    return find_by_message(session=session, channel=channel, ts=ts) or answers.find_by_message(
        session=session, channel=channel, ts=ts
    )


def _record(
    deps: Deps,
    session: Session,
    thread: Grievance | CheckinOccurrence,
    ts: str,
    author: Person,
    text: str,
) -> None:
    """A grievance thread keeps the reply on the timeline; a check-in's takes it as an answer."""
    if isinstance(thread, Grievance):
        threads.record_reply(session=session, grievance=thread, ts=ts, author=author, text=text)
        return
    now = deps.now()
    answers.record_reply(
        session=session, occurrence=thread, person=author, ts=ts, text=text, now=now
    )
    health.rescore(session=session, case=thread.schedule.case, now=now)
