"""Workspace objects as Slack's JSON shows them to the bot.

Messages as conversations.history, events and payloads carry them (threads, Slack
Connect authors, reactions, files, metadata), conversations as conversations.info
answers them, and views as views.* answer them.
"""

from __future__ import annotations

import copy

from bot.sandbox.workspace.objects import JSON, Channel, Message, View
from bot.sandbox.workspace.state import WorkspaceState


class SlackJson(WorkspaceState):
    """The JSON form of messages, conversations and views."""

    def message_json(self, message: Message) -> JSON:
        """A message object as conversations.replies, events and payloads show it."""
        with self.lock:
            out: JSON = {"type": "message", "ts": message.ts, "text": message.text}
            if message.subtype:
                out["subtype"] = message.subtype
            if message.user:
                out["user"] = message.user
                out["team"] = self.team_of(message.user).id
                channel = self.channels.get(message.channel)
                author = self.users.get(message.user)
                if channel is not None and channel.is_ext_shared and author is not None:
                    # Slack Connect: who wrote it, and from which organisation's team
                    out["user_team"] = out["source_team"] = author.team_id
                    out["user_profile"] = author.profile_summary()
            if message.bot_id:
                out["bot_id"] = message.bot_id
                out["app_id"] = self.app_id
            if message.blocks:
                out["blocks"] = copy.deepcopy(message.blocks)
            if message.thread_ts:
                out["thread_ts"] = message.thread_ts
            if message.is_reply:
                parent = self.find_message(message.channel, message.thread_ts or "")
                out["parent_user_id"] = parent.user if parent else None
            replies = self.thread(message.channel, message.ts)[1:] if not message.is_reply else []
            if replies:
                out["reply_count"] = len(replies)
                out["reply_users"] = sorted({r.user for r in replies if r.user})
                out["reply_users_count"] = len(out["reply_users"])
                out["latest_reply"] = replies[-1].ts
            if message.edited:
                out["edited"] = {"user": message.user, "ts": message.ts}
            if message.reactions:
                out["reactions"] = [
                    {"name": name, "users": list(users), "count": len(users)}
                    for name, users in message.reactions.items()
                ]
            if message.files:
                out["files"] = copy.deepcopy(message.files)
                out["upload"] = False
            if message.metadata:
                out["metadata"] = copy.deepcopy(message.metadata)
            return out

    def channel_json(self, channel: Channel) -> JSON:
        """A conversation object as conversations.info answers it."""
        with self.lock:
            out: JSON = {
                "id": channel.id,
                "created": 1700000000,
                "is_archived": channel.is_archived,
                "is_im": channel.is_im,
                "is_mpim": False,
                "is_org_shared": False,
                "context_team_id": self.team_id,
                "num_members": len(channel.members),
            }
            if channel.is_ext_shared:
                teams = sorted({self.team_id} | {self.team_of(m).id for m in channel.members})
                out |= {
                    "conversation_host_id": self.team_id,
                    "connected_team_ids": teams,
                    "shared_team_ids": teams,
                    "internal_team_ids": [],
                }
            if channel.is_im:
                out["user"] = next(m for m in channel.members if m != self.bot_user_id)
                out["is_user_deleted"] = self.users[out["user"]].deleted
                return out
            return out | {
                "name": channel.name,
                "name_normalized": channel.name,
                "is_channel": not channel.is_private,
                "is_group": channel.is_private,
                "is_private": channel.is_private,
                "is_general": channel.name == "general",
                "is_shared": channel.is_ext_shared,
                "is_ext_shared": channel.is_ext_shared,
                "is_pending_ext_shared": False,
                "is_member": self.bot_user_id in channel.members,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            }

    def view_json(self, view: View, state: JSON | None = None) -> JSON:
        """A view object as views.* answer it and payloads carry it."""
        payload = view.payload
        return {
            "id": view.id,
            "team_id": self.team_id,
            "type": view.type,
            "blocks": copy.deepcopy(payload.get("blocks", [])),
            "private_metadata": payload.get("private_metadata", ""),
            "callback_id": payload.get("callback_id", ""),
            "state": {"values": state or {}},
            "hash": view.hash,
            "title": payload.get("title"),
            "clear_on_close": bool(payload.get("clear_on_close", False)),
            "notify_on_close": bool(payload.get("notify_on_close", False)),
            "close": payload.get("close"),
            "submit": payload.get("submit"),
            "previous_view_id": view.previous_view_id,
            "root_view_id": view.root_view_id,
            "app_id": self.app_id,
            "external_id": payload.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
