"""Requests to the bot as Slack sends them: signed, over real HTTP, with Slack's headers.

The bot's answer comes back as a Delivery (status 0 when it did not answer within the
ack timeout).  Events go in Slack's envelope, shaped for shared channels and org-wide
installs; interactions share the same base fields (team, user, enterprise, trigger_id).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import JSON, Channel, User, Workspace
from storage.clock import utcnow

FORM = "application/x-www-form-urlencoded"
# The bot is local: never route deliveries through an http_proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Delivery:
    """The bot's HTTP answer to one delivery (status 0: no answer within the ack timeout)."""

    status: int
    body: str
    headers: dict[str, str]
    json: JSON | None = None


class SlackDelivery:
    """Signed HTTP requests to the bot at `bot_url`, and the pieces every payload shares."""

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
