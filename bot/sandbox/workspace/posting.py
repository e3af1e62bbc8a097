"""Messages, ephemerals and files: what people post and what the bot posts or uploads.

Every post by the bot is recorded in the activity log.  A response_url (or a slash
command's ack) is applied here as Slack applies it: an ephemeral, an in-channel message,
a replacement of the message it came from, or its deletion.
"""

from __future__ import annotations

import secrets
import time
from typing import Literal

from bot.sandbox.blockkit_limits import message_block_errors
from bot.sandbox.workspace.block_ids import with_ids
from bot.sandbox.workspace.objects import (
    JSON,
    Ephemeral,
    Message,
    ResponseTarget,
    SlackError,
    UploadedFile,
)
from bot.sandbox.workspace.state import WorkspaceState

RESPONSE_URL_TTL = 30 * 60  # a response_url works for 30 minutes...
RESPONSE_URL_USES = 5  # ...and at most five times


class Posting(WorkspaceState):
    """Posting, editing and answering through response_urls; file uploads."""

    # ---- what users do ----------------------------------------------------------------

    def post_user_message(
        self, user: str, channel: str, text: str, thread_ts: str | None = None
    ) -> Message:
        """Store a message a person wrote (no event: SlackSide delivers that)."""
        with self.lock:
            self.get_user(user)
            self.get_channel(channel)
            message = Message(channel, self.new_ts(), text, user=user, thread_ts=thread_ts)
            self.messages.append(message)
            return message

    # ---- what the bot does (each recorded in the activity log) -----------------------

    def post_bot_message(
        self,
        channel: str,
        text: str,
        blocks: list[JSON],
        *,
        thread_ts: str | None = None,
        user: str | None = None,
        files: list[JSON] | None = None,
        metadata: JSON | None = None,
        broadcast: bool = False,
    ) -> Message:
        """Post as the app (as `user` for a slash command's in_channel answer)."""
        with self.lock:
            message = Message(
                channel,
                self.new_ts(),
                text,
                with_ids(blocks),
                user=user or self.bot_user_id,
                bot_id=self.bot_id,
                thread_ts=thread_ts,
                files=files or [],
                metadata=metadata,
                subtype="thread_broadcast" if broadcast and thread_ts else None,
            )
            self.messages.append(message)
            self.record(
                "file" if files else "message",
                channel=channel,
                ts=message.ts,
                file_id=files[0]["id"] if files else None,
            )
            return message

    def update_message(self, message: Message, text: str | None, blocks: list[JSON] | None) -> None:
        """Replace text and/or blocks; what is not given is kept, as chat.update does."""
        with self.lock:
            if text is not None:
                message.text = text
            if blocks is not None:
                message.blocks = with_ids(blocks)
            message.edited = True
            self.record("update", channel=message.channel, ts=message.ts)

    def post_ephemeral(
        self, channel: str, user: str, text: str, blocks: list[JSON], thread_ts: str | None = None
    ) -> Ephemeral:
        with self.lock:
            ephemeral = Ephemeral(channel, user, text, with_ids(blocks), self.new_ts(), thread_ts)
            self.ephemerals.append(ephemeral)
            self.record("ephemeral", channel=channel, ts=ephemeral.ts, user=user)
            return ephemeral

    def issue_response_url(
        self,
        channel: str,
        user: str,
        source: tuple[Literal["message", "ephemeral"], str] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Register a response_url target; the id goes after `{root_url}response/`."""
        with self.lock:
            key = secrets.token_hex(12)
            self.response_targets[key] = ResponseTarget(
                channel, user, source, thread_ts, time.monotonic() + RESPONSE_URL_TTL
            )
            return key

    def use_response_url(self, key: str) -> ResponseTarget:
        """The target of one response_url POST, or `expired_url` (unknown, too old, 5 uses)."""
        with self.lock:
            target = self.response_targets.get(key)
            if (
                target is None
                or target.expires_at < time.monotonic()
                or target.uses >= RESPONSE_URL_USES
            ):
                raise SlackError("expired_url")
            target.uses += 1
            return target

    def respond(self, target: ResponseTarget, payload: JSON) -> None:
        """Apply a response_url POST or a slash command's ack body, as Slack does."""
        with self.lock:
            if payload.get("delete_original"):
                self._delete_source(target)
                return
            text, blocks = str(payload.get("text") or ""), payload.get("blocks") or []
            if not text and not blocks:
                raise SlackError("no_text")
            if errors := message_block_errors(blocks):
                raise SlackError("invalid_blocks", errors=errors)
            if payload.get("replace_original") and target.source:
                self._replace_source(target, text, blocks)
            elif payload.get("response_type") == "in_channel":
                self.post_bot_message(
                    target.channel,
                    text,
                    blocks,
                    user=target.user,
                    thread_ts=payload.get("thread_ts") or target.thread_ts,
                )
            else:
                self.post_ephemeral(
                    target.channel,
                    target.user,
                    text,
                    blocks,
                    payload.get("thread_ts") or target.thread_ts,
                )

    def _replace_source(self, target: ResponseTarget, text: str, blocks: list[JSON]) -> None:
        kind, ts = target.source or ("message", "")
        if kind == "message":
            self.update_message(self.get_message(target.channel, ts), text, blocks)
            return
        ephemeral = self.find_ephemeral(ts)
        if ephemeral is None:
            raise SlackError("message_not_found")
        ephemeral.text, ephemeral.blocks = text, with_ids(blocks)
        self.record("ephemeral", channel=ephemeral.channel, ts=ts, user=ephemeral.user)

    def _delete_source(self, target: ResponseTarget) -> None:
        kind, ts = target.source or ("message", "")
        if kind == "message":
            self.messages.remove(self.get_message(target.channel, ts))
        else:
            self.ephemerals = [e for e in self.ephemerals if e.ts != ts]
        self.record("delete", channel=target.channel, ts=ts, user=target.user)

    # ---- files -----------------------------------------------------------------------

    def new_upload(self, filename: str, length: int) -> UploadedFile:
        with self.lock:
            upload = UploadedFile(
                self.new_id("F"), filename, length, self.bot_user_id, int(time.time())
            )
            self.files[upload.id] = upload
            return upload

    def store_upload(self, file_id: str, data: bytes) -> bool:
        """Keep the bytes POSTed to an upload URL (False for an unknown file)."""
        with self.lock:
            upload = self.files.get(file_id)
            if upload is None:
                return False
            upload.content = data
            return True
