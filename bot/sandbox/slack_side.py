"""Slack's side: people act in the workspace, and Slack signs and delivers that to the bot.

Every request goes over real HTTP with Slack's headers and signature, so the bot's own
request verification, routing and ack handling are exercised exactly as in production.
The bot's HTTP answer is then applied the way Slack applies it (ack text, view responses).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from bot.sandbox.blockkit_limits import view_errors
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import (
    JSON,
    Channel,
    Ephemeral,
    Message,
    ResponseTarget,
    SlackError,
    User,
    View,
    Workspace,
    elements_of,
)
from storage.clock import utcnow

FORM = "application/x-www-form-urlencoded"
# The bot is local: never route deliveries through an http_proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

_SINGLE_OPTION = frozenset({"static_select", "radio_buttons", "external_select", "overflow"})
_MULTI_OPTION = frozenset({"multi_static_select", "checkboxes", "multi_external_select"})
# element type -> (key in view state, key of the element's initial value)
_SELECTED = {
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
}


@dataclass
class Delivery:
    """The bot's HTTP answer to one delivery (status 0: no answer within the ack timeout)."""

    status: int
    body: str
    headers: dict[str, str]
    json: JSON | None = None


def build_view_state(view_payload: Mapping[str, Any], answers: Mapping[str, object]) -> JSON:
    """`view.state.values` for a view's input blocks, as Slack builds it on submission.

    `answers` is keyed by block_id or action_id; an unanswered input keeps its initial value
    (or null). Options match by value or by text, ignoring case.
    """
    values: JSON = {}
    for block in view_payload.get("blocks", []):
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        block_id, action_id = block.get("block_id", ""), element.get("action_id", "")
        answer = answers.get(block_id, answers.get(action_id))
        values.setdefault(block_id, {})[action_id] = element_state(element, answer)
    return values


def element_state(element: Mapping[str, Any], answer: object = None) -> JSON:
    """One element's state entry (`{"type", "value" | "selected_*": ...}`); None: initial."""
    kind = element["type"]
    if kind in _SINGLE_OPTION:
        chosen = element.get("initial_option") if answer is None else _option(element, answer)
        return {"type": kind, "selected_option": chosen}
    if kind in _MULTI_OPTION:
        chosen_all = (
            element.get("initial_options", [])
            if answer is None
            else [_option(element, a) for a in _as_list(answer)]
        )
        return {"type": kind, "selected_options": chosen_all}
    if kind in _SELECTED:
        key, initial = _SELECTED[kind]
        value = element.get(initial) if answer is None else answer
        if kind.startswith("multi_"):
            value = _as_list(value) if value is not None else []
        return {"type": kind, key: value}
    value = element.get("initial_value") if answer is None else str(answer)
    return {"type": kind, "value": value}


def _as_list(answer: object) -> list[Any]:
    return list(answer) if isinstance(answer, list | tuple | set) else [answer]


def _option(element: Mapping[str, Any], answer: object) -> JSON:
    """The option a person picked, found by value or visible text."""
    if isinstance(answer, dict):
        return answer
    options = element.get("options") or [
        option for group in element.get("option_groups", []) for option in group["options"]
    ]
    if not options:  # external selects: the option comes from the bot's options endpoint
        return {"text": {"type": "plain_text", "text": str(answer)}, "value": str(answer)}
    wanted = str(answer).casefold()
    for option in options:
        if wanted in (
            str(option.get("value", "")).casefold(),
            str(option["text"]["text"]).casefold(),
        ):
            return option
    raise ValueError(f"{element.get('action_id')!r} has no option {answer!r}")


def _unanswered_required(view_payload: Mapping[str, Any], state: JSON) -> list[str]:
    """Required inputs left empty: Slack's client refuses to submit those."""
    missing = []
    for block in view_payload.get("blocks", []):
        if block.get("type") != "input" or block.get("optional"):
            continue
        entries = state.get(block.get("block_id", ""), {}).values()
        if all(v in (None, "", []) for e in entries for k, v in e.items() if k != "type"):
            missing.append(block.get("block_id", ""))
    return missing


def slack_escape(text: str) -> str:
    """Escape ``& < >`` in what a person typed, as Slack does before sending it to apps."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MENTION = re.compile(r"(?<![\w<|])([@#])([\w.-]+)")


class SlackSide:
    """Users' actions turned into signed HTTP requests to the bot at `bot_url`."""

    def __init__(
        self,
        workspace: Workspace,
        emulator: EmulatorServer,
        bot_url: str,
        signing_secret: str,
        api_app_id: str = "A0SANDBOX",
        ack_timeout: float = 3.0,
    ) -> None:
        self.workspace = workspace
        self.emulator = emulator
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.api_app_id = api_app_id
        self.ack_timeout = ack_timeout
        self.verification_token = "sandbox-verification-token"

    # ---- transport -------------------------------------------------------------------

    def sign(self, timestamp: str, body: str) -> str:
        """`X-Slack-Signature` for a body sent at `timestamp`."""
        base = f"v0:{timestamp}:{body}".encode()
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()

    def _send(
        self, body: str, content_type: str, headers: Mapping[str, str] | None = None
    ) -> Delivery:
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            self.bot_url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": self.sign(timestamp, body),
                **(headers or {}),
            },
        )
        try:
            with _DIRECT.open(request, timeout=self.ack_timeout) as response:
                status, raw, answer_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, answer_headers = error.code, error.read(), error.headers
        except TimeoutError:
            return Delivery(0, "operation_timeout", {})
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return Delivery(0, "operation_timeout", {})
            raise
        text = raw.decode(errors="replace")
        try:
            parsed = json.loads(text) if text.strip() else None
        except ValueError:
            parsed = None
        return Delivery(
            status, text, dict(answer_headers.items()), parsed if isinstance(parsed, dict) else None
        )

    def _interaction(self, payload: JSON) -> Delivery:
        return self._send(urlencode({"payload": json.dumps(payload)}), FORM)

    # ---- small pieces of payloads ----------------------------------------------------

    def new_trigger_id(self, user_id: str) -> str:
        """A trigger for `user_id`: one views.open/push within three seconds."""
        return self.workspace.issue_trigger(user_id)

    def _response_url(
        self,
        channel: str,
        user: str,
        source: tuple[Literal["message", "ephemeral"], str] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        key = self.workspace.issue_response_url(channel, user, source, thread_ts)
        return f"{self.emulator.root_url}response/{key}"

    def _enterprise(self, user: User) -> JSON | None:
        """The ``enterprise`` object of an interaction: the acting user's organisation."""
        team = self.workspace.team_of(user.id)
        return (
            {"id": team.enterprise_id, "name": team.enterprise_id} if team.enterprise_id else None
        )

    @staticmethod
    def _user(user: User) -> JSON:
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}

    @staticmethod
    def _channel(channel: Channel) -> JSON:
        """A payload's channel: Slack names DMs and private channels generically."""
        if channel.is_im:
            return {"id": channel.id, "name": "directmessage"}
        return {"id": channel.id, "name": "privategroup" if channel.is_private else channel.name}

    def _interaction_base(self, kind: str, user: User) -> JSON:
        return {
            "type": kind,
            "token": self.verification_token,
            "api_app_id": self.api_app_id,
            # the acting user's team, as in a Slack Connect channel (bolt-python's
            # extract_team_id notes: `team` is the sender's, `view.app_installed_team_id` ours)
            "team": self.workspace.team_of(user.id).to_dict(),
            "user": self._user(user),
            "enterprise": self._enterprise(user),
            "is_enterprise_install": self.workspace.org_install,
            "trigger_id": self.new_trigger_id(user.id),
        }

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

    def deliver_event(
        self,
        event: JSON,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> tuple[Delivery, str]:
        """Send one Events API envelope; a retry repeats the event_id with retry headers."""
        ws = self.workspace
        event_id = event_id or f"Ev{secrets.token_hex(5).upper()}"
        channel = ws.channels.get(str(event.get("channel") or event.get("item", {}).get("channel")))
        shared = bool(channel and channel.is_ext_shared)
        # In a shared channel the envelope names the *sender's* team; only
        # `authorizations` and `context_team_id` say which installation it was sent to
        # (shape: bolt-python tests/scenario_tests/test_events_shared_channels.py).
        sender = ws.team_of(str(event.get("user") or "")) if shared else ws.team_of(None)
        envelope = {
            "token": self.verification_token,
            "team_id": sender.id,
            "enterprise_id": sender.enterprise_id,
            "context_team_id": ws.team_id,
            "context_enterprise_id": ws.enterprise_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(utcnow().timestamp()),
            "authorizations": [
                {
                    "enterprise_id": ws.enterprise_id,
                    "team_id": None if ws.org_install else ws.team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": ws.org_install,
                }
            ],
            "is_ext_shared_channel": shared,
            "event_context": f"4-{secrets.token_urlsafe(24)}",
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._send(json.dumps(envelope), "application/json", headers), event_id

    def deliver_recorded(self, envelope: JSON) -> Delivery:
        """Sign and send an Events API envelope exactly as given: recorded payloads shaped
        like Slack's published samples reach the bot as Slack would send them."""
        return self._send(json.dumps(envelope), "application/json")

    def run_recorded_command(self, fields: Mapping[str, str]) -> Delivery:
        """Sign and send slash-command fields exactly as given (a recorded payload); the
        ``response_url`` and ``trigger_id`` are the emulator's own, so answers are shown."""
        user, channel = str(fields.get("user_id", "")), str(fields.get("channel_id", ""))
        live = {
            "response_url": self._response_url(channel, user),
            "trigger_id": self.new_trigger_id(user),
        }
        return self._send(urlencode({**fields, **live}), FORM)

    def _deliver_if_member(self, channel: Channel, event: JSON) -> Delivery | None:
        """Slack only sends a channel's events to an app that is in the channel."""
        if self.workspace.bot_user_id not in channel.members:
            return None
        return self.deliver_event(event)[0]

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

    # ---- interactivity ---------------------------------------------------------------

    def click(
        self,
        user_id: str,
        action_id: str,
        *,
        message: tuple[str, str] | None = None,
        ephemeral: Ephemeral | None = None,
        view_id: str | None = None,
        value: str | None = None,
        selected_option: object = None,
    ) -> Delivery:
        """Use an interactive element in a message, an ephemeral or a view: `block_actions`."""
        ws = self.workspace
        user = ws.get_user(user_id)
        payload = self._interaction_base("block_actions", user)
        if view_id is not None:
            view = self._view_of(user_id, view_id, modal_only=False)
            blocks = view.payload.get("blocks", [])
            payload["container"] = {"type": "view", "view_id": view.id}
            payload["view"] = ws.view_json(view, build_view_state(view.payload, {}))
        elif message is not None:
            channel = ws.channel_as_seen_by(user_id, message[0])
            found = ws.get_message(channel.id, message[1])
            blocks = found.blocks
            payload["container"] = {
                "type": "message",
                "message_ts": found.ts,
                "channel_id": channel.id,
                "is_ephemeral": False,
            }
            if found.thread_ts:
                payload["container"]["thread_ts"] = found.thread_ts
            payload |= {
                "channel": self._channel(channel),
                "message": ws.message_json(found),
                "state": {"values": build_view_state({"blocks": blocks}, {})},
                "response_url": self._response_url(
                    channel.id, user_id, ("message", found.ts), found.thread_ts
                ),
            }
        elif ephemeral is not None:
            if ephemeral.user != user_id:
                raise ValueError(f"only {ephemeral.user} can see that ephemeral message")
            blocks = ephemeral.blocks
            payload["container"] = {
                "type": "message",
                "message_ts": ephemeral.ts,
                "channel_id": ephemeral.channel,
                "is_ephemeral": True,
            }
            payload |= {
                "channel": self._channel(ws.get_channel(ephemeral.channel)),
                "state": {"values": build_view_state({"blocks": blocks}, {})},
                "response_url": self._response_url(
                    ephemeral.channel, user_id, ("ephemeral", ephemeral.ts), ephemeral.thread_ts
                ),
            }
        else:
            raise ValueError("click needs a message, an ephemeral or a view_id")
        payload["actions"] = [_action(blocks, action_id, value, selected_option)]
        return self._interaction(payload)

    def message_shortcut(self, user_id: str, channel: str, ts: str, callback_id: str) -> Delivery:
        """Run a message shortcut on a message: `message_action`."""
        ws = self.workspace
        seen = ws.channel_as_seen_by(user_id, channel)
        found = ws.get_message(seen.id, ts)
        payload = self._interaction_base("message_action", ws.get_user(user_id)) | {
            "action_ts": f"{utcnow().timestamp():.6f}",
            "callback_id": callback_id,
            "channel": self._channel(seen),
            "message_ts": ts,
            "message": ws.message_json(found),
            "response_url": self._response_url(channel, user_id, None, found.thread_ts),
        }
        return self._interaction(payload)

    def submit_view(self, user_id: str, view_id: str, answers: Mapping[str, object]) -> Delivery:
        """Submit a modal with `answers`, then apply the bot's `response_action` like Slack."""
        ws = self.workspace
        view = self._view_of(user_id, view_id)
        state = build_view_state(view.payload, answers)
        if missing := _unanswered_required(view.payload, state):
            raise ValueError(f"Slack will not submit: required inputs left empty: {missing}")
        payload = self._interaction_base("view_submission", ws.get_user(user_id)) | {
            "view": ws.view_json(view, state),
            "response_urls": [],
        }
        delivery = self._interaction(payload)
        if delivery.status == 200:
            self._apply_view_answer(view, delivery)
        return delivery

    def _apply_view_answer(self, view: View, delivery: Delivery) -> None:
        """What Slack does with a view_submission ack (a non-JSON body leaves the modal be)."""
        ws = self.workspace
        if delivery.body.strip() and delivery.json is None:
            return
        answer = delivery.json or {}
        action = answer.get("response_action")
        if action is None:
            ws.close_modal(view.user, view.id)
        elif action == "errors":
            ws.set_view_errors(view, answer.get("errors") or {})
        elif action == "update":
            ws.update_view(view, _checked_view(answer.get("view")))
        elif action == "push":
            ws.push_modal(view.user, _checked_view(answer.get("view")))
        elif action == "clear":
            ws.close_modal(view.user, view.root_view_id)

    def close_view(self, user_id: str, view_id: str) -> Delivery | None:
        """The person closes a modal; the bot hears `view_closed` only with notify_on_close."""
        ws = self.workspace
        view = self._view_of(user_id, view_id)
        payload = self._interaction_base("view_closed", ws.get_user(user_id)) | {
            "view": ws.view_json(view, build_view_state(view.payload, {})),
            "is_cleared": False,
        }
        ws.close_modal(user_id, view_id, by_bot=False)
        if not view.payload.get("notify_on_close"):
            return None
        return self._interaction(payload)

    def _view_of(self, user_id: str, view_id: str, *, modal_only: bool = True) -> View:
        """A view this user has in front of them: an open modal (or their Home tab)."""
        ws = self.workspace
        with ws.lock:
            open_views = [v.id for v in ws.modal_stack(user_id)]
            if not modal_only and user_id in ws.home_views:
                open_views.append(ws.home_views[user_id])
            if view_id not in open_views:
                raise ValueError(f"{user_id} has no open view {view_id}")
            return ws.views[view_id]


def _checked_view(view: object) -> JSON:
    """A view the bot answered with; Slack refuses to show an invalid one."""
    errors = view_errors(view)
    if errors or not isinstance(view, dict):
        raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    return view


def _action(blocks: list[JSON], action_id: str, value: str | None, selected_option: object) -> JSON:
    """The `actions[0]` of a block_actions payload for the element with `action_id`."""
    for block, element in elements_of(blocks):
        if element.get("action_id") != action_id:
            continue
        action: JSON = {
            "block_id": block.get("block_id"),
            "action_id": action_id,
            "action_ts": f"{utcnow().timestamp():.6f}",
        }
        if element["type"] == "button":
            action |= {"type": "button", "text": element.get("text")}
            if "style" in element:
                action["style"] = element["style"]
            chosen = value if value is not None else element.get("value")
            if chosen is not None:
                action["value"] = chosen
            return action
        answer = selected_option if selected_option is not None else value
        if answer is None:
            raise ValueError(f"{action_id!r} is a {element['type']}: say what was chosen")
        return action | element_state(element, answer)
    raise ValueError(f"no element with action_id {action_id!r} there")
