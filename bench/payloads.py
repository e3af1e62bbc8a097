"""Signed Slack requests built ahead of time, so the clock never times the signing.

The bodies are shaped as :class:`bot.sandbox.slack_side.SlackSide` shapes them (the shapes
the test suite checks against Slack's), but built without sending, for a load generator.
Each event has its own ``event_id``, because the bot acknowledges a repeated one without
handling it. Slack signs a timestamp that Bolt accepts for five minutes, so a batch is
built just before it is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.sandbox.workspace import Channel, Workspace

FORM = "application/x-www-form-urlencoded"
#: The people who act in the benchmark: team members, a client, a client guest.
ACTORS = ("UANA", "UBEN", "UCARLA", "UDEV")
COMMAND = "grievance"
REPLY = "thread reply"
REACTION = "reaction"
KINDS = (COMMAND, REPLY, REACTION)


@dataclass(frozen=True)
class SignedRequest:
    """One POST to ``/slack/events``: its body and headers, ready to send."""

    kind: str
    body: bytes
    headers: dict[str, str]


def bench_workspace(channels: int) -> Workspace:
    """The demo workspace plus ``channels`` shared client channels with everyone in them.

    Grievances are spread over many cases, as in a real workspace, rather than piled on one.
    """
    workspace = Workspace.demo()
    members = {*ACTORS, workspace.bot_user_id}
    for n in range(channels):
        workspace.add_channel(
            Channel(f"CBENCH{n:04d}", f"client-{n:04d}", is_ext_shared=True, members=set(members))
        )
    return workspace


def bench_channels(workspace: Workspace) -> list[str]:
    return sorted(c for c in workspace.channels if c.startswith("CBENCH"))


class Signer:
    """Builds signed requests as Slack would send them to one app."""

    def __init__(self, workspace: Workspace, secret: str, response_root: str) -> None:
        self.workspace = workspace
        self.secret = secret.encode()
        self.response_root = response_root
        self._serial = 0

    def _signed(self, kind: str, body: str, content_type: str) -> SignedRequest:
        stamp = str(int(time.time()))
        digest = hmac.new(self.secret, f"v0:{stamp}:{body}".encode(), hashlib.sha256)
        return SignedRequest(
            kind,
            body.encode(),
            {
                "Content-Type": content_type,
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": "v0=" + digest.hexdigest(),
            },
        )

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def command(self, user: str, channel: str, text: str) -> SignedRequest:
        """``/grievance <text>`` typed by ``user`` in ``channel``."""
        ws = self.workspace
        key = ws.issue_response_url(channel, user)
        fields = {
            "token": "sandbox-verification-token",
            "team_id": ws.team_id,
            "team_domain": ws.team_domain,
            "enterprise_id": "",
            "channel_id": channel,
            "channel_name": ws.channels[channel].name,
            "user_id": user,
            "user_name": ws.users[user].name,
            "command": "/grievance",
            "text": text,
            "api_app_id": ws.app_id,
            "is_enterprise_install": "false",
            "response_url": f"{self.response_root}response/{key}",
            "trigger_id": f"{self._next()}.{int(time.time())}.bench",
        }
        return self._signed(COMMAND, urlencode(fields), FORM)

    def event(self, kind: str, event: dict[str, object]) -> SignedRequest:
        """An Events API envelope around ``event``, with a fresh ``event_id``."""
        ws = self.workspace
        envelope = {
            "token": "sandbox-verification-token",
            "team_id": ws.team_id,
            "api_app_id": ws.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": f"EvBENCH{self._next():010d}{time.time_ns() % 1_000_000:06d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": ws.team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": True,
        }
        return self._signed(kind, json.dumps(envelope), "application/json")

    def reply(self, user: str, channel: str, thread_ts: str, text: str) -> SignedRequest:
        """A person's reply in a thread (a grievance's discussion)."""
        ts = self.workspace.new_ts()
        event = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "parent_user_id": self.workspace.bot_user_id,
            "channel": channel,
            "event_ts": ts,
            "channel_type": "channel",
            "team": self.workspace.team_id,
        }
        return self.event(REPLY, event)

    def reaction(self, user: str, channel: str, ts: str, name: str) -> SignedRequest:
        """``user`` reacts to the message at ``ts``."""
        event = {
            "type": "reaction_added",
            "user": user,
            "reaction": name,
            "item_user": self.workspace.bot_user_id,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": self.workspace.new_ts(),
        }
        return self.event(REACTION, event)


def batch(
    signer: Signer, kind: str, count: int, roots: dict[str, str], start: int = 0
) -> list[SignedRequest]:
    """``count`` requests of one kind, spread over channels and people.

    ``roots`` maps each channel to a grievance message there: replies go in its thread
    and reactions land on it.
    """
    return list(itertools.islice(_requests(signer, kind, sorted(roots), roots, start), count))


def _requests(
    signer: Signer, kind: str, channels: list[str], roots: dict[str, str], start: int
) -> Iterator[SignedRequest]:
    n = start
    while True:
        channel, user = channels[n % len(channels)], ACTORS[n % len(ACTORS)]
        if kind == COMMAND:
            yield signer.command(
                user, channel, f"Bench grievance {n}: the invoice export broke again"
            )
        elif kind == REPLY:
            yield signer.reply(user, channel, roots[channel], f"Bench reply {n}: still broken")
        else:
            yield signer.reaction(user, channel, roots[channel], "+1")
        n += 1


def mixed(
    signer: Signer, count: int, roots: dict[str, str], pattern: Sequence[str] = KINDS
) -> list[SignedRequest]:
    """``count`` requests whose kinds follow ``pattern`` round and round."""
    kinds = [pattern[i % len(pattern)] for i in range(count)]
    per_kind = {k: iter(batch(signer, k, n, roots)) for k, n in Counter(kinds).items()}
    return [next(per_kind[kind]) for kind in kinds]
