"""One Web API call's parameters, and the checks many methods share.

Parameters arrive as a form, JSON or a query string; the checks refuse a call with the
error code Slack gives (a channel the bot may not post to or read, blocks over Slack's
limits, an invalid view, a stale hash, a bad cursor).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from bot.sandbox.blockkit_limits import message_block_errors, view_errors
from bot.sandbox.workspace import JSON, Channel, Message, SlackError, Workspace

MAX_TEXT = 40_000


class Args:
    """One call's parameters, whether they came as a form, JSON or a query string."""

    def __init__(self, params: JSON, root_url: str) -> None:
        self.params = params
        self.root_url = root_url

    def text(self, name: str, missing: str | None = None) -> str | None:
        """The parameter as a string; absent or empty is None, or `missing` raised."""
        value = self.params.get(name)
        if value is None or value == "":
            if missing:
                raise SlackError(missing)
            return None
        return str(value)

    def required(self, name: str, missing: str) -> str:
        return self.text(name, missing) or ""

    def json(self, name: str, bad: str = "invalid_arguments") -> Any:
        """A structured parameter; form posts carry it as a JSON string."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value) if value else None
            except ValueError:
                raise SlackError(bad) from None
        return value

    def flag(self, name: str) -> bool:
        return self.params.get(name) in (True, 1, "1", "true")

    def number(self, name: str, default: int) -> int:
        value = self.params.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments") from None


# ---- shared checks ----------------------------------------------------------------------


def _writable(ws: Workspace, channel_id: str, *, public_scope: str | None = None) -> Channel:
    """The channel the bot may post to (a user id means the DM with that user).

    The bot must be a member, except in a public channel when ``public_scope`` (such as
    ``chat:write.public`` for messages) is granted.
    """
    if channel_id in ws.users:
        return ws.dm_channel_for(channel_id)
    channel = ws.get_channel(channel_id)
    if channel.is_archived:
        raise SlackError("is_archived")
    outside = ws.bot_user_id not in channel.members
    if outside and (channel.is_private or public_scope not in ws.granted_scopes):
        raise SlackError("not_in_channel")
    return channel


def _visible(ws: Workspace, channel_id: str) -> Channel:
    """The channel if the bot can see it: a private channel it is not in does not exist."""
    channel = ws.get_channel(channel_id)
    if channel.is_private and ws.bot_user_id not in channel.members:
        raise SlackError("channel_not_found")
    return channel


def _readable(ws: Workspace, channel_id: str) -> Channel:
    """A channel whose history the bot may read: it must be a member, even if public."""
    channel = _visible(ws, channel_id)
    if not channel.is_im and ws.bot_user_id not in channel.members:
        raise SlackError("not_in_channel")
    return channel


def _history_readable(ws: Workspace, channel_id: str) -> Channel:
    """A channel whose messages the bot may read: a member, with the history scope of its
    kind (``channels:history``, ``groups:history`` or ``im:history``)."""
    channel = _readable(ws, channel_id)
    kind = "im" if channel.is_im else "groups" if channel.is_private else "channels"
    if f"{kind}:history" not in ws.granted_scopes:
        raise SlackError("missing_scope", needed=f"{kind}:history")
    return channel


def _listed(ws: Workspace, messages: list[Message], args: Args) -> list[JSON]:
    """Messages as history and replies list them: metadata only when asked for, as Slack."""
    shown = [ws.message_json(m) for m in messages]
    if not args.flag("include_all_metadata"):
        for message in shown:
            message.pop("metadata", None)
    return shown


def _content(args: Args) -> tuple[str | None, list[JSON] | None]:
    """Text and blocks of a message, checked against Slack's limits (None: not given)."""
    text, blocks = args.text("text"), args.json("blocks", bad="invalid_blocks_format")
    if not text and not blocks:
        raise SlackError("no_text")
    if text and len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if blocks is not None and (errors := message_block_errors(blocks)):
        raise SlackError(
            "invalid_blocks",
            errors=errors,
            response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
        )
    return text, blocks


def _view(args: Args, kind: str) -> JSON:
    """The `view` argument, refused with `invalid_arguments` as views.* do."""
    view = args.json("view")
    errors = view_errors(view)
    if isinstance(view, dict) and view.get("type") != kind:
        errors.append("must be a valid enum value [json-pointer:/view/type]")
    if errors:
        raise SlackError(
            "invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
        )
    return view


def _check_hash(args: Args, current: str) -> None:
    expected = args.text("hash")
    if expected and expected != current:
        raise SlackError("hash_conflict")


def _page(items: list[Any], args: Args, default_limit: int) -> tuple[list[Any], str]:
    """One page of `items` and the next cursor ("" on the last page), Slack style."""
    limit = max(1, min(args.number("limit", default_limit), 1000))
    cursor = args.text("cursor")
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("offset:"))
        except (ValueError, binascii.Error):
            raise SlackError("invalid_cursor") from None
    end = start + limit
    following = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], following
