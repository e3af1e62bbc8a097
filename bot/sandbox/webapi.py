"""Slack's Web API over real HTTP, so slack_sdk and Bolt run unchanged against the sandbox.

Point `slack_sdk.WebClient(base_url=server.base_url)` at it. Answers mirror Slack's: HTTP 200
with `{"ok": ...}` and Slack's error codes, or an injected 429 / 5xx.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from bot.sandbox.blockkit_limits import message_block_errors, view_errors
from bot.sandbox.workspace import JSON, ApiCall, Channel, Message, SlackError, Workspace

MAX_TEXT = 40_000

Handler = Callable[[Workspace, "Args"], JSON]
METHODS: dict[str, Handler] = {}


def _method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


class EmulatorServer:
    """The API server; it binds at construction so its URLs are known before `start()`."""

    def __init__(self, workspace: Workspace, host: str = "127.0.0.1", port: int = 0) -> None:
        self.workspace = workspace
        self._httpd = _HTTPServer((host, port), _RequestHandler)
        self._httpd.emulator = self
        self._thread: threading.Thread | None = None

    @property
    def root_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def base_url(self) -> str:
        """What `slack_sdk.WebClient(base_url=...)` takes."""
        return f"{self.root_url}api/"

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # so stop() returns quickly
            name="slack-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def call(
        self, method: str, params: JSON, token: str | None
    ) -> tuple[int, dict[str, str], JSON]:
        """Answer one API call: (HTTP status, extra headers, JSON body); logged in `calls`."""
        ws = self.workspace
        status, headers, delay = 200, {}, 0.0
        handler = METHODS.get(method)
        fault = ws.take_fault(method) if handler and token == ws.bot_token else None
        if handler is None:
            answer: JSON = {"ok": False, "error": "unknown_method"}
        elif not token:
            answer = {"ok": False, "error": "not_authed"}
        elif token != ws.bot_token:
            answer = {"ok": False, "error": "invalid_auth"}
        elif fault is not None:
            status, answer = fault.status, {"ok": False, "error": fault.error}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
        elif method == "chat.postMessage" and (
            wait := ws.pace_post(str(params.get("channel", "")))
        ):
            status, answer = 429, {"ok": False, "error": "ratelimited"}
            headers["Retry-After"] = str(wait)
        else:
            try:
                with ws.lock:
                    answer = {"ok": True, **handler(ws, Args(params, self.root_url))}
            except SlackError as error:
                answer = {"ok": False, "error": error.code, **error.extra}
            delay = ws.take_delay(method)
        if answer["ok"]:
            headers["x-oauth-scopes"] = ",".join(ws.granted_scopes)
        with ws.lock:
            ws.calls.append(ApiCall(method, params, answer["ok"], answer.get("error")))
        if delay:
            time.sleep(delay)  # done, but answered late: the caller may have given up
        return status, headers, answer


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    emulator: EmulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A caller that stopped waiting (its timeout, under ``inject_delay``) is no
        fault of the emulator's; anything else is reported as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    """Routes `/api/<method>`, `/upload/<file_id>` and `/response/<key>`."""

    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the activity log and `calls` say what happened."""

    def do_GET(self) -> None:
        self._route(b"")

    def do_POST(self) -> None:
        self._route(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _route(self, body: bytes) -> None:
        url = urlsplit(self.path)
        section, _, rest = url.path.lstrip("/").partition("/")
        emulator = self.server.emulator
        if section == "api":
            try:
                params = self._params(url.query, body)
            except (ValueError, TypeError):  # not JSON, or JSON that is not an object
                self._send(200, {"ok": False, "error": "invalid_json"})
                return
            token = params.pop("token", None)
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Bearer "):
                token = auth.removeprefix("Bearer ").strip()
            status, headers, answer = emulator.call(rest, params, token)
            self._send(status, answer, headers)
        elif section == "upload" and self.command == "POST":
            if emulator.workspace.store_upload(rest, body):
                self._send(200, f"OK - {len(body)}")
            else:
                self._send(404, "Not Found")
        elif section == "response" and self.command == "POST":
            self._send(*_respond(emulator.workspace, rest, body))
        else:
            self._send(404, "Not Found")

    def _params(self, query: str, body: bytes) -> JSON:
        params: JSON = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        kind = self.headers.get_content_type()
        if body and kind == "application/json":
            params.update(json.loads(body))
        elif body and kind == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode(), keep_blank_values=True)
            params.update({k: v[0] for k, v in form.items()})
        return params

    def _send(self, status: int, answer: JSON | str, headers: dict[str, str] | None = None) -> None:
        is_json = isinstance(answer, dict)
        data = (json.dumps(answer) if is_json else str(answer)).encode()
        # a caller that gave up waiting (a delay fault) has gone: the answer goes nowhere
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            kind = "application/json; charset=utf-8" if is_json else "text/plain; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)


def _respond(ws: Workspace, key: str, body: bytes) -> tuple[int, JSON]:
    """A POST to a response_url: an ephemeral, a channel message, a replacement or a delete."""
    try:
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError(payload)
    except ValueError:
        return 400, {"ok": False, "error": "invalid_payload"}
    try:
        ws.respond(ws.use_response_url(key), payload)
    except SlackError as error:
        return (404 if error.code == "expired_url" else 400), {
            "ok": False,
            "error": error.code,
            **error.extra,
        }
    return 200, {"ok": True}


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


# ---- methods ----------------------------------------------------------------------------


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
