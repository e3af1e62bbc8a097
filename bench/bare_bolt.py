"""The yardstick: a Bolt app that only acknowledges, under the bot's own server settings.

It listens for exactly what the latency benchmark sends (``/grievance``, ``message`` and
``reaction_added``), verifies signatures as any Bolt app does, and does nothing else: no
database, no logging, no Web API call after start-up. The server is built by
``bot.server.make_server``, so waitress's threads, limits and timeouts are the bot's.

Run as ``python -m bench.bare_bolt`` with ``PORT``, ``SLACK_SIGNING_SECRET``,
``SLACK_BOT_TOKEN`` and ``SLACK_API_URL`` (the emulator, which answers Bolt's one
``auth.test``); SIGTERM stops it.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.server import make_server, serve_in_thread, stop_server
from bot.web import EVENTS_PATH


def build_bare_app(signing_secret: str, token: str, api_url: str) -> App:
    """A Bolt app that acknowledges the benchmark's three requests and does nothing more."""
    app = App(
        client=WebClient(token=token, base_url=api_url),
        signing_secret=signing_secret,
        token_verification_enabled=False,
    )

    @app.command("/grievance")
    def on_command(ack: Ack) -> None:
        ack()

    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        """Events are acknowledged by Bolt before the listener runs."""

    @app.event("reaction_added")
    def on_reaction(event: dict[str, Any]) -> None:
        """Events are acknowledged by Bolt before the listener runs."""

    return app


def main() -> None:
    app = build_bare_app(
        os.environ["SLACK_SIGNING_SECRET"],
        os.environ["SLACK_BOT_TOKEN"],
        os.environ["SLACK_API_URL"],
    )
    server = make_server(
        SlackRequestHandler(app, path=EVENTS_PATH), host="127.0.0.1", port=int(os.environ["PORT"])
    )
    thread = serve_in_thread(server)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    stop_server(server, thread)


if __name__ == "__main__":
    main()
