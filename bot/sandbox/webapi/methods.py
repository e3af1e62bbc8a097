"""The Web API methods the bot calls, one handler each, registered by name in METHODS.

Each handler runs under the workspace lock and answers the JSON of a successful call, or
raises SlackError with the code Slack would answer.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.sandbox.webapi.args import (
    Args,
    _check_hash,
    _content,
    _history_readable,
    _listed,
    _page,
    _view,
    _visible,
    _writable,
)
from bot.sandbox.workspace import JSON, SlackError, Workspace

Handler = Callable[[Workspace, Args], JSON]
METHODS: dict[str, Handler] = {}


def _method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


@_method("auth.test")
def _auth_test(ws: Workspace, _args: Args) -> JSON:
    return {
        "url": f"https://{ws.team_domain}.slack.local/",
        "team": ws.team_name,
        "user": ws.users[ws.bot_user_id].name,
        # an org-wide install answers for the organisation, not one of its workspaces
        "team_id": ws.enterprise_id if ws.org_install else ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": ws.org_install,
    } | ({"enterprise_id": ws.enterprise_id} if ws.enterprise_id else {})


@_method("chat.postMessage")
def _post_message(ws: Workspace, args: Args) -> JSON:
    channel = _writable(
        ws, args.required("channel", "channel_not_found"), public_scope="chat:write.public"
    )
    text, blocks = _content(args)
    thread_ts = args.text("thread_ts")
    if thread_ts:
        parent = ws.find_message(channel.id, thread_ts)
        if parent is None:
            raise SlackError("thread_not_found")
        thread_ts = parent.thread_ts or parent.ts
    metadata = args.json("metadata", bad="invalid_metadata_format")
    message = ws.post_bot_message(
        channel.id,
        text or "",
        blocks or [],
        thread_ts=thread_ts,
        metadata=metadata,
        broadcast=args.flag("reply_broadcast"),
    )
    return {"channel": channel.id, "ts": message.ts, "message": ws.message_json(message)}


@_method("chat.postEphemeral")
def _post_ephemeral(ws: Workspace, args: Args) -> JSON:
    channel = _writable(
        ws, args.required("channel", "channel_not_found"), public_scope="chat:write.public"
    )
    user = ws.get_user(args.required("user", "user_not_found"))
    if user.id not in channel.members:
        raise SlackError("user_not_in_channel")
    text, blocks = _content(args)
    ephemeral = ws.post_ephemeral(
        channel.id, user.id, text or "", blocks or [], args.text("thread_ts")
    )
    return {"message_ts": ephemeral.ts}


@_method("chat.update")
def _update(ws: Workspace, args: Args) -> JSON:
    channel = _visible(ws, args.required("channel", "channel_not_found"))
    if channel.is_archived:
        raise SlackError("is_archived")
    message = ws.get_message(channel.id, args.required("ts", "message_not_found"))
    if message.bot_id != ws.bot_id:
        raise SlackError("cant_update_message")
    text, blocks = _content(args)
    ws.update_message(message, text, blocks)
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": ws.message_json(message),
    }


@_method("chat.delete")
def _delete(ws: Workspace, args: Args) -> JSON:
    channel = _visible(ws, args.required("channel", "channel_not_found"))
    if channel.is_archived:
        raise SlackError("is_archived")
    message = ws.get_message(channel.id, args.required("ts", "message_not_found"))
    if message.bot_id != ws.bot_id:
        raise SlackError("cant_delete_message")
    with ws.lock:
        ws.messages.remove(message)
        ws.record("delete", channel=channel.id, ts=message.ts)
    return {"channel": channel.id, "ts": message.ts}


@_method("chat.getPermalink")
def _permalink(ws: Workspace, args: Args) -> JSON:
    channel = _visible(ws, args.required("channel", "channel_not_found"))
    message = ws.get_message(channel.id, args.required("message_ts", "message_not_found"))
    return {"channel": channel.id, "permalink": ws.permalink(channel.id, message.ts)}


@_method("views.open")
def _views_open(ws: Workspace, args: Args) -> JSON:
    payload = _view(args, "modal")
    trigger = args.text("trigger_id") or args.required(
        "interactivity_pointer", "invalid_trigger_id"
    )
    view = ws.open_modal(ws.exchange_trigger(trigger), payload)
    return {"view": ws.view_json(view)}


@_method("views.push")
def _views_push(ws: Workspace, args: Args) -> JSON:
    payload = _view(args, "modal")
    trigger = args.text("trigger_id") or args.required(
        "interactivity_pointer", "invalid_trigger_id"
    )
    view = ws.push_modal(ws.exchange_trigger(trigger), payload)
    return {"view": ws.view_json(view)}


@_method("views.update")
def _views_update(ws: Workspace, args: Args) -> JSON:
    view = ws.find_view(args.text("view_id"), args.text("external_id"))
    payload = _view(args, view.type)
    _check_hash(args, view.hash)
    return {"view": ws.view_json(ws.update_view(view, payload))}


@_method("views.publish")
def _views_publish(ws: Workspace, args: Args) -> JSON:
    user = ws.get_user(args.required("user_id", "user_not_found"))
    payload = _view(args, "home")
    if user.id in ws.home_views:
        _check_hash(args, ws.views[ws.home_views[user.id]].hash)
    return {"view": ws.view_json(ws.publish_home(user.id, payload))}


@_method("conversations.info")
def _conversations_info(ws: Workspace, args: Args) -> JSON:
    channel = _visible(ws, args.required("channel", "channel_not_found"))
    return {"channel": ws.channel_json(channel)}


@_method("conversations.members")
def _conversations_members(ws: Workspace, args: Args) -> JSON:
    channel = _visible(ws, args.required("channel", "channel_not_found"))
    members, following = _page(sorted(channel.members), args, 100)
    return {"members": members, "response_metadata": {"next_cursor": following}}


@_method("conversations.open")
def _conversations_open(ws: Workspace, args: Args) -> JSON:
    users = (args.required("users", "users_list_not_supplied")).split(",")
    if len(users) != 1:
        raise SlackError("invalid_arguments")  # group DMs are not emulated
    user = ws.get_user(users[0].strip())
    if user.deleted:
        raise SlackError("user_disabled")
    existed = f"D{user.id[1:]}" in ws.channels
    channel = ws.dm_channel_for(user.id)
    shown = ws.channel_json(channel) if args.flag("return_im") else {"id": channel.id}
    return {"no_op": existed, "already_open": existed, "channel": shown}


@_method("conversations.history")
def _conversations_history(ws: Workspace, args: Args) -> JSON:
    """The channel's messages, newest first, without thread replies (a reply also sent to
    the channel is listed), between ``oldest`` and ``latest``."""
    channel = _history_readable(ws, args.required("channel", "channel_not_found"))
    oldest, latest = float(args.text("oldest") or 0), float(args.text("latest") or "inf")
    inclusive = args.flag("inclusive")

    def within(ts: float) -> bool:
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    with ws.lock:
        listed = [
            m
            for m in reversed(ws.messages)
            if m.channel == channel.id
            and (not m.is_reply or m.subtype == "thread_broadcast")
            and within(float(m.ts))
        ]
    page, following = _page(listed, args, 100)
    return {
        "messages": _listed(ws, page, args),
        "has_more": bool(following),
        "pin_count": 0,
        "response_metadata": {"next_cursor": following},
    }


@_method("conversations.replies")
def _conversations_replies(ws: Workspace, args: Args) -> JSON:
    channel = _history_readable(ws, args.required("channel", "channel_not_found"))
    message = ws.find_message(channel.id, args.required("ts", "thread_not_found"))
    if message is None:
        raise SlackError("thread_not_found")
    thread = ws.thread(channel.id, message.thread_ts or message.ts)
    page, following = _page(thread, args, 1000)
    return {
        "messages": _listed(ws, page, args),
        "has_more": bool(following),
        "response_metadata": {"next_cursor": following},
    }


@_method("conversations.join")
def _conversations_join(ws: Workspace, args: Args) -> JSON:
    if "channels:join" not in ws.granted_scopes:
        raise SlackError("missing_scope", needed="channels:join")
    channel = ws.get_channel(args.required("channel", "channel_not_found"))
    if channel.is_private or channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    answer: JSON = {}
    if ws.bot_user_id in channel.members:
        answer = {
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    channel.members.add(ws.bot_user_id)
    return {"channel": ws.channel_json(channel), **answer}


@_method("users.info")
def _users_info(ws: Workspace, args: Args) -> JSON:
    return {"user": ws.get_user(args.required("user", "user_not_found")).to_dict()}


@_method("reactions.get")
def _reactions_get(ws: Workspace, args: Args) -> JSON:
    channel = _visible(ws, args.required("channel", "channel_not_found"))
    message = ws.get_message(channel.id, args.required("timestamp", "message_not_found"))
    shown = ws.message_json(message) | {"permalink": ws.permalink(channel.id, message.ts)}
    return {"type": "message", "channel": channel.id, "message": shown}


@_method("files.getUploadURLExternal")
def _upload_url(ws: Workspace, args: Args) -> JSON:
    filename = args.required("filename", "invalid_arguments")
    length = args.number("length", -1)
    if length < 0:
        raise SlackError("invalid_arguments")
    upload = ws.new_upload(filename, length)
    return {"upload_url": f"{args.root_url}upload/{upload.id}", "file_id": upload.id}


@_method("files.completeUploadExternal")
def _complete_upload(ws: Workspace, args: Args) -> JSON:
    entries = args.json("files")
    if not isinstance(entries, list) or not entries:
        raise SlackError("invalid_arguments")
    uploads = []
    for entry in entries:
        upload = ws.files.get(entry.get("id", "")) if isinstance(entry, dict) else None
        if upload is None:
            raise SlackError("file_not_found")
        upload.title = entry.get("title") or upload.name
        uploads.append(upload)
    shown = [u.to_dict(ws.team_domain) for u in uploads]
    channel_id = args.text("channel_id") or (args.text("channels") or "").split(",")[0]
    if channel_id:
        channel = _writable(ws, channel_id)  # sharing a file needs membership, even in public
        message = ws.post_bot_message(
            channel.id,
            args.text("initial_comment") or "",
            [],
            files=shown,
            thread_ts=args.text("thread_ts"),
        )
        share = {
            "ts": message.ts,
            "channel_name": channel.name,
            "team_id": ws.team_id,
            "share_user_id": ws.bot_user_id,
        }
        if message.thread_ts:
            share["thread_ts"] = message.thread_ts
        scope = "private" if channel.is_private else "public"
        shown = [f | {"shares": {scope: {channel.id: [share]}}} for f in shown]
    return {"files": shown}
