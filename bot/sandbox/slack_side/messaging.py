"""What people do in conversations, delivered to the bot: slash commands, messages and
thread replies, edits, deletions, reactions, and opening the app's Home tab.

Slack's rules apply first: people post only where they are members, edit and delete only
their own messages, and the bot hears a channel's events only if it is in the channel.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

from bot.sandbox.slack_side.delivery import FORM, Delivery, SlackDelivery
from bot.sandbox.workspace import JSON, Message, ResponseTarget, SlackError


def slack_escape(text: str) -> str:
    """Escape ``& < >`` in what a person typed, as Slack does before sending it to apps."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MENTION = re.compile(r"(?<![\w<|])([@#])([\w.-]+)")


class Messaging(SlackDelivery):
    """Slash commands, messages, edits, deletions, reactions and the Home tab."""

    # ---- slash commands --------------------------------------------------------------

    def slash_command(
        self, user_id: str, channel_id: str, text: str, command: str = "/grievance"
    ) -> Delivery:
        """Run a slash command; an ack with text or blocks is shown as Slack shows it."""
        ws = self.workspace
        user = ws.get_user(user_id)
        channel = ws.channel_as_seen_by(user_id, channel_id, to_post=True)
        team = ws.team_of(user.id)  # the typist's own workspace, not necessarily the bot's
        fields = {
            "token": self.verification_token,
            "team_id": team.id,
            "team_domain": team.domain,
            "enterprise_id": team.enterprise_id or "",
            "channel_id": channel.id,
            "channel_name": self._channel(channel)["name"],
            "user_id": user.id,
            "user_name": user.name,
            "command": command,
            "text": self.escape_mentions(slack_escape(text)),
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "true" if ws.org_install else "false",
            "response_url": self._response_url(channel.id, user.id),
            "trigger_id": self.new_trigger_id(user.id),
        }
        delivery = self._send(urlencode(fields), FORM)
        if delivery.status == 200 and delivery.body.strip():
            answer = delivery.json if delivery.json is not None else {"text": delivery.body}
            if answer.get("text") or answer.get("blocks"):
                ws.respond(ResponseTarget(channel.id, user.id), answer)
        return delivery

    def escape_mentions(self, text: str) -> str:
        """What Slack sends for a command with ``should_escape``: ``@ana`` → ``<@UANA|ana>``.

        Also ``#channel`` → ``<#C…|channel>`` and ``@here``/``@channel``/``@everyone`` →
        ``<!here>`` etc.; names that match nobody are left as typed.
        """
        ws = self.workspace
        users = {u.name.lower(): u for u in ws.users.values()}
        channels = {c.name.lower(): c for c in ws.channels.values() if not c.is_im}

        def mention(match: re.Match[str]) -> str:
            sigil, name = match.group(1), match.group(2)
            if sigil == "@" and name.lower() in {"here", "channel", "everyone"}:
                return f"<!{name.lower()}>"
            if sigil == "@" and name.lower() in users:
                user = users[name.lower()]
                return f"<@{user.id}|{user.name}>"
            if sigil == "#" and name.lower() in channels:
                channel = channels[name.lower()]
                return f"<#{channel.id}|{channel.name}>"
            return match.group(0)

        return _MENTION.sub(mention, text)

    # ---- events ----------------------------------------------------------------------

    def post_message(
        self, user_id: str, channel_id: str, text: str, thread_ts: str | None = None
    ) -> tuple[Message, Delivery | None]:
        """A person posts (or replies in a thread); the bot gets `message` if it is in there."""
        ws = self.workspace
        channel = ws.channel_as_seen_by(user_id, channel_id, to_post=True)
        if thread_ts:
            parent = ws.find_message(channel.id, thread_ts)
            if parent is None:
                raise SlackError("thread_not_found")
            thread_ts = parent.thread_ts or parent.ts
        message = ws.post_user_message(user_id, channel.id, slack_escape(text), thread_ts)
        event = ws.message_json(message) | {
            "channel": channel.id,
            "event_ts": message.ts,
            "channel_type": channel.channel_type,
            "client_msg_id": str(uuid.uuid4()),
        }
        return message, self._deliver_if_member(channel, event)

    def edit_message(self, user_id: str, channel: str, ts: str, new_text: str) -> Delivery | None:
        """The author edits a message: a hidden `message_changed` event.

        Anyone else, and anyone at all for the bot's posts, gets `cant_update_message`.
        """
        ws = self.workspace
        with ws.lock:
            message = self._own_message(user_id, channel, ts, refused="cant_update_message")
            previous = ws.message_json(message)
            message.text, message.edited = slack_escape(new_text), True
            current = ws.message_json(message)
        event_ts = ws.new_ts()
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": channel,
            "channel_type": ws.get_channel(channel).channel_type,
            "ts": event_ts,
            "event_ts": event_ts,
            "message": current,
            "previous_message": previous,
        }
        return self._deliver_if_member(ws.get_channel(channel), event)

    def delete_message(self, user_id: str, channel: str, ts: str) -> Delivery | None:
        """The author deletes a message: a hidden `message_deleted` event.

        Anyone else gets `cant_delete_message`; so does everyone for the bot's posts.
        """
        ws = self.workspace
        with ws.lock:
            message = self._own_message(user_id, channel, ts, refused="cant_delete_message")
            previous = ws.message_json(message)
            ws.messages.remove(message)
        event_ts = ws.new_ts()
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": channel,
            "channel_type": ws.get_channel(channel).channel_type,
            "ts": event_ts,
            "deleted_ts": ts,
            "event_ts": event_ts,
            "previous_message": previous,
        }
        return self._deliver_if_member(ws.get_channel(channel), event)

    def _own_message(self, user_id: str, channel: str, ts: str, *, refused: str) -> Message:
        """A message `user_id` wrote themselves; a bot's post (even a slash command's
        in_channel answer shown under their name) or someone else's is `refused`."""
        ws = self.workspace
        ws.channel_as_seen_by(user_id, channel)
        message = ws.get_message(channel, ts)
        if message.bot_id is not None or message.user != user_id:
            raise SlackError(refused)
        return message

    def react(self, user_id: str, channel: str, ts: str, name: str) -> Delivery | None:
        """Add a reaction (None if the user had it already or the bot is not in the channel)."""
        return self._reaction("reaction_added", user_id, channel, ts, name)

    def unreact(self, user_id: str, channel: str, ts: str, name: str) -> Delivery | None:
        """Remove a reaction (None if the user had not reacted so)."""
        return self._reaction("reaction_removed", user_id, channel, ts, name)

    def _reaction(
        self, kind: str, user_id: str, channel: str, ts: str, name: str
    ) -> Delivery | None:
        ws = self.workspace
        with ws.lock:
            ws.channel_as_seen_by(user_id, channel)
            message = ws.get_message(channel, ts)
            users = message.reactions.get(name, [])
            adding = kind == "reaction_added"
            if (user_id in users) == adding:
                return None
            if adding:
                message.reactions.setdefault(name, []).append(user_id)
            else:
                users.remove(user_id)
                if not users:
                    del message.reactions[name]
        event = {
            "type": kind,
            "user": user_id,
            "reaction": name,
            "item_user": message.user,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": ws.new_ts(),
        }
        return self._deliver_if_member(ws.get_channel(channel), event)

    def open_home(self, user_id: str) -> Delivery:
        """The user opens the app's Home tab: `app_home_opened`."""
        ws = self.workspace
        ws.get_user(user_id)
        event: JSON = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": ws.dm_channel_for(user_id).id,
            "tab": "home",
            "event_ts": ws.new_ts(),
        }
        if user_id in ws.home_views:
            event["view"] = ws.view_json(ws.views[ws.home_views[user_id]])
        return self.deliver_event(event)[0]
