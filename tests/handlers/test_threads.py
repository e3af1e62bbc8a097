"""A grievance's thread is its discussion: replies, edits and deletions are kept."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.models import EntryRevision, Grievance, Side, TimelineEntry
from tests.conftest import shown


def _file(stack: SandboxStack, user: str, channel: str, text: str) -> Message:
    """Quick-capture a grievance; its channel message (the thread root)."""
    stack.slack.slash_command(user, channel, text)
    stack.settle()
    root = [m for m in stack.workspace.messages if m.channel == channel and m.bot_id][-1]
    assert text in json.dumps(root.blocks)
    return root


def _reply(stack: SandboxStack, user: str, root: Message, text: str) -> Message:
    message, delivery = stack.slack.post_message(user, root.channel, text, thread_ts=root.ts)
    assert delivery is not None and delivery.status == 200
    stack.settle()
    return message


def _replies(stack: SandboxStack) -> list[TimelineEntry]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(TimelineEntry)
                .options(selectinload(TimelineEntry.author))
                .where(TimelineEntry.kind == "reply")
                .order_by(TimelineEntry.id)
            )
        )


def _revisions(stack: SandboxStack, entry_id: int) -> list[str]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(EntryRevision.text)
                .where(EntryRevision.entry_id == entry_id)
                .order_by(EntryRevision.id)
            )
        )


def _grievance_id(stack: SandboxStack, root: Message) -> int:
    with stack.db.transaction() as session:
        found = session.scalar(select(Grievance.id).where(Grievance.slack_ts == root.ts))
    assert found is not None
    return found


def _history_of(stack: SandboxStack, user: str, number: int) -> str:
    return shown(stack, user, "CACME", f"history {number}")


def test_every_reply_in_a_grievance_thread_is_stored_with_its_author(
    stack: SandboxStack,
) -> None:
    root = _file(stack, "UCARLA", "CACME", "The nightly build has been red for a week")
    first = _reply(stack, "UANA", root, "We're on it, Carla. Sorry for the silence.")
    second = _reply(stack, "UCARLA", root, "Thanks. Please keep us posted daily.")
    third = _reply(stack, "UDEV", root, "Same problem on our side.")

    stored = _replies(stack)
    grievance_id = _grievance_id(stack, root)
    assert [(e.text, e.slack_ts, e.grievance_id) for e in stored] == [
        (first.text, first.ts, grievance_id),
        (second.text, second.ts, grievance_id),
        (third.text, third.ts, grievance_id),
    ]
    assert [e.author.slack_user_id for e in stored if e.author] == ["UANA", "UCARLA", "UDEV"]
    assert [e.author.side for e in stored if e.author] == [Side.TEAM, Side.CLIENT, Side.CLIENT]
    assert not any(e.edited or e.deleted for e in stored)
    shown = _history_of(stack, "UANA", 1)
    assert all(m.text in shown for m in (first, second, third))


def test_messages_outside_grievance_threads_and_bot_messages_are_not_stored(
    stack: SandboxStack,
) -> None:
    root = _file(stack, "UANA", "CACME", "Staging is down every Monday")
    chatter, _ = stack.slack.post_message("UCARLA", "CACME", "Morning all")
    stack.slack.post_message("UBEN", "CACME", "Morning!", thread_ts=chatter.ts)
    stack.slack.post_message("UBEN", "CINTERNAL", "Internal note, not a grievance")
    ws = stack.workspace
    for bot_reply in (
        {"bot_id": "BOTHER", "subtype": "bot_message", "username": "ci"},
        {"bot_id": ws.bot_id, "user": ws.bot_user_id},
        {"bot_id": "BOTHER", "user": "UOTHERAPP"},
    ):
        ts = ws.new_ts()
        event = {
            "type": "message",
            "text": "Build #42 failed",
            "ts": ts,
            "thread_ts": root.ts,
            "channel": "CACME",
            "channel_type": "channel",
            "event_ts": ts,
            **bot_reply,
        }
        delivery, _ = stack.slack.deliver_event(event)
        assert delivery.status == 200
    stack.settle()
    stack.slack.edit_message("UCARLA", "CACME", chatter.ts, "Morning all (edited)")
    stack.slack.delete_message("UCARLA", "CACME", chatter.ts)
    stack.settle()

    assert _replies(stack) == []
    with stack.db.transaction() as session:
        assert session.scalars(select(EntryRevision)).all() == []


def test_an_edit_keeps_the_earlier_text_as_a_revision(stack: SandboxStack) -> None:
    root = _file(stack, "UANA", "CACME", "Invoices are two months late")
    reply = _reply(stack, "UCARLA", root, "We pay in 30 days, you should too")
    stack.slack.edit_message("UCARLA", "CACME", reply.ts, "We pay in 30 days; please do the same")
    stack.settle()
    stack.slack.edit_message("UCARLA", "CACME", reply.ts, "We pay in 30 days. Please match that.")
    stack.settle()

    [entry] = _replies(stack)
    assert (entry.text, entry.edited, entry.deleted) == (
        "We pay in 30 days. Please match that.",
        True,
        False,
    )
    assert _revisions(stack, entry.id) == [
        "We pay in 30 days, you should too",
        "We pay in 30 days; please do the same",
    ]
    shown = _history_of(stack, "UANA", 1)
    assert "Please match that." in shown and "(edited)" in shown


def test_a_message_changed_without_new_text_is_not_an_edit(stack: SandboxStack) -> None:
    """Slack sends message_changed when it unfurls a link; the words did not change."""
    root = _file(stack, "UANA", "CACME", "The dashboard link is broken")
    reply = _reply(stack, "UCARLA", root, "See https://status.example.com")
    ws = stack.workspace
    current = ws.message_json(ws.get_message("CACME", reply.ts))
    ts = ws.new_ts()
    unfurl = current | {"attachments": [{"title": "Status", "from_url": "https://status.example"}]}
    event = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": "CACME",
        "channel_type": "channel",
        "ts": ts,
        "event_ts": ts,
        "message": unfurl,
        "previous_message": current,
    }
    stack.slack.deliver_event(event)
    stack.settle()
    [entry] = _replies(stack)
    assert (entry.text, entry.edited) == (reply.text, False)
    assert _revisions(stack, entry.id) == []


def test_a_deletion_blanks_the_reply_and_drops_its_revisions(stack: SandboxStack) -> None:
    root = _file(stack, "UANA", "CACME", "The release broke checkout")
    _reply(stack, "UBEN", root, "Rolling back now")
    gone = _reply(stack, "UCARLA", root, "Honestly this team is hopeless")
    stack.slack.edit_message("UCARLA", "CACME", gone.ts, "Honestly this is hopeless")
    stack.settle()
    stack.slack.delete_message("UCARLA", "CACME", gone.ts)
    stack.settle()

    first, second = _replies(stack)
    assert (first.text, first.deleted) == ("Rolling back now", False)
    assert (second.text, second.deleted, second.slack_ts) == ("", True, gone.ts)
    assert _revisions(stack, second.id) == []
    shown = _history_of(stack, "UANA", 1)
    assert "hopeless" not in shown and "(deleted)" in shown and "Rolling back now" in shown

    # An edit arriving after the deletion (out of order) does not bring the words back.
    current = {"type": "message", "user": "UCARLA", "text": "hopeless", "ts": gone.ts}
    ts = stack.workspace.new_ts()
    stack.slack.deliver_event(
        {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": "CACME",
            "channel_type": "channel",
            "ts": ts,
            "event_ts": ts,
            "message": current | {"thread_ts": root.ts},
            "previous_message": current,
        }
    )
    stack.settle()
    assert _replies(stack)[1].text == ""


def test_a_retried_reply_event_is_stored_once(stack: SandboxStack) -> None:
    root = _file(stack, "UANA", "CACME", "Support tickets go unanswered")
    ws = stack.workspace
    message = ws.post_user_message("UCARLA", "CACME", "Ticket 4411 is a week old", root.ts)
    event = ws.message_json(message) | {
        "channel": "CACME",
        "event_ts": message.ts,
        "channel_type": "channel",
    }
    first, event_id = stack.slack.deliver_event(event)
    stack.settle()
    retry, _ = stack.slack.deliver_event(event, event_id=event_id, retry_num=1)
    stack.settle()
    assert (first.status, retry.status) == (200, 200)
    assert [e.text for e in _replies(stack)] == ["Ticket 4411 is a week old"]


def test_replies_are_kept_per_grievance(stack: SandboxStack) -> None:
    one = _file(stack, "UANA", "CACME", "First grievance")
    two = _file(stack, "UANA", "CACME", "Second grievance")
    _reply(stack, "UCARLA", two, "About the second")
    _reply(stack, "UCARLA", one, "About the first")
    by_grievance = {e.text: e.grievance_id for e in _replies(stack)}
    assert by_grievance == {
        "About the second": _grievance_id(stack, two),
        "About the first": _grievance_id(stack, one),
    }
    assert "About the second" not in _history_of(stack, "UANA", 1)


def test_a_reply_also_sent_to_the_channel_is_stored(stack: SandboxStack) -> None:
    root = _file(stack, "UANA", "CACME", "Nobody joined the kickoff call")
    ws = stack.workspace
    ts = ws.new_ts()
    event = {
        "type": "message",
        "subtype": "thread_broadcast",
        "text": "Everyone should see this: we waited 40 minutes",
        "user": "UCARLA",
        "ts": ts,
        "thread_ts": root.ts,
        "root": ws.message_json(root),
        "channel": "CACME",
        "channel_type": "channel",
        "event_ts": ts,
    }
    stack.slack.deliver_event(event)
    stack.settle()
    assert [e.text for e in _replies(stack)] == [event["text"]]
