"""What the emulator tests share: the signing secret, sample blocks and a modal, the
stand-in bot that records what Slack's side sends it, and reading a Web API error.

The API is driven with `slack_sdk.WebClient`; Slack's side is checked by a tiny stdlib HTTP
server standing in for the bot, which verifies every request with slack_sdk's
`SignatureVerifier` and records what it got.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk.errors import SlackApiError

SECRET = "sandbox-signing-secret"

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}
MODAL = {
    "type": "modal",
    "callback_id": "raise",
    "title": {"type": "plain_text", "text": "Raise a grievance"},
    "submit": {"type": "plain_text", "text": "Raise"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        },
        {
            "type": "input",
            "block_id": "severity",
            "label": {"type": "plain_text", "text": "Severity"},
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                ],
                "initial_option": {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
            },
        },
        {
            "type": "input",
            "block_id": "owner",
            "optional": True,
            "label": {"type": "plain_text", "text": "Owner"},
            "element": {"type": "users_select", "action_id": "who"},
        },
    ],
}
BUTTONS = [
    {
        "type": "actions",
        "block_id": "acts",
        "elements": [
            {
                "type": "button",
                "action_id": "ack",
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "value": "g-1",
            }
        ],
    }
]


@dataclass
class Received:
    """One request the stand-in bot got."""

    headers: dict[str, str]
    body: str

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body, keep_blank_values=True).items()}

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.form["payload"])


@dataclass
class FakeBot:
    """A stand-in bot: verifies Slack's signature, records, answers with `reply`."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    reply: Callable[[Received], tuple[int, str]] = lambda _r: (200, "")


def _serve(respond: Callable[[dict[str, str], str], tuple[int, str, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            status, kind, answer = respond(dict(self.headers.items()), body)
            data = answer.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


def _error(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value.response.data
