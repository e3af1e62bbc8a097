"""Slack's Web API over real HTTP, so slack_sdk and Bolt run unchanged against the sandbox.

Point `slack_sdk.WebClient(base_url=server.base_url)` at it. Answers mirror Slack's: HTTP 200
with `{"ok": ...}` and Slack's error codes, or an injected 429 / 5xx.

Its parts: ``server`` (HTTP, routing, auth, faults and the call log), ``methods`` (one
handler per Web API method) and ``args`` (a call's parameters and the checks methods
share).
"""

from bot.sandbox.webapi.server import EmulatorServer

__all__ = ["EmulatorServer"]
