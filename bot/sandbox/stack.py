"""The real bot, served over HTTP by the production server, wired to the local emulator.

``grievance-bot sandbox`` and the test suite both start this stack, so what a newcomer
tries and what the tests check is the same code path Slack would drive.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Self

from pydantic import SecretStr
from slack_bolt import App

from bot.app import build_app
from bot.sandbox.idle import IdleTrackingExecutor
from bot.sandbox.slack_side import SlackSide
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from bot.server import WsgiServer, bound_port, make_server, serve_in_thread, stop_server
from bot.settings import Settings
from bot.slack.client import TIMEOUT, make_web_client
from bot.slack.outbound import OUTBOUND_WORKERS
from bot.web import EVENTS_PATH, SlackWsgiApp
from bot.webview.app import build_web_view
from storage.clock import CLOCK
from storage.engine import Database
from storage.migrate import upgrade


@dataclass
class SandboxStack:
    """Emulator + bot app + waitress on loopback; ``slack`` plays the users' side."""

    settings: Settings
    workspace: Workspace = field(default_factory=Workspace.demo)
    #: Seconds the bot waits for each Slack answer (tests of a slow Slack make it short).
    client_timeout: int = TIMEOUT
    emulator: EmulatorServer = field(init=False)
    db: Database = field(init=False)
    app: App = field(init=False)
    slack: SlackSide = field(init=False)
    executor: IdleTrackingExecutor = field(init=False)
    #: Web API calls the bot makes after acknowledging (``bot.slack.outbound``).
    outbound: IdleTrackingExecutor = field(init=False)
    _server: WsgiServer = field(init=False)
    _thread: threading.Thread = field(init=False)

    def start(self) -> Self:
        """Start the emulator, migrate the database, and serve the bot on a free port."""
        self.emulator = EmulatorServer(self.workspace).start()
        secret = secrets.token_hex(16)
        self.settings = self.settings.model_copy(
            update={
                "slack_bot_token": SecretStr(self.workspace.bot_token),
                "slack_signing_secret": SecretStr(secret),
                "slack_app_token": None,
                "slack_api_url": self.emulator.base_url,
                "slack_client_id": self.emulator.openid.client_id,
                "slack_client_secret": SecretStr(self.emulator.openid.client_secret),
            }
        )
        self.db = Database.from_url(self.settings.database_url)
        upgrade(self.db.engine)
        client = make_web_client(
            self.workspace.bot_token,
            self.emulator.base_url,
            max_retries=2,
            timeout=self.client_timeout,
        )
        self.executor = IdleTrackingExecutor()
        self.outbound = IdleTrackingExecutor(OUTBOUND_WORKERS, name="slack-outbound")
        self.app = build_app(
            self.settings, self.db, client, executor=self.executor, outbound=self.outbound
        )
        web = build_web_view(self.settings, self.db)
        self._server = make_server(SlackWsgiApp(self.app, self.db, web), host="127.0.0.1", port=0)
        self._thread = serve_in_thread(self._server)
        self.slack = SlackSide(self.workspace, self.emulator, self.events_url, secret)
        return self

    @property
    def url(self) -> str:
        """The bot's base URL on loopback."""
        return f"http://127.0.0.1:{bound_port(self._server)}"

    @property
    def events_url(self) -> str:
        """Where Slack (here: the emulator's Slack side) sends requests."""
        return self.url + EVENTS_PATH

    def clock(self) -> datetime:
        """What the bot takes to be now: the process clock, moved on by ``advance``."""
        return CLOCK.now()

    def advance(self, to: datetime) -> None:
        """Move the sandbox clock forward (never back)."""
        CLOCK.advance(to)

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait for the bot to finish what it does after acknowledging (listeners hand
        their posts to the outbound pool, so that one is waited for second)."""
        deadline = time.monotonic() + timeout
        return self.executor.wait_idle(timeout) and self.outbound.wait_idle(
            max(0.0, deadline - time.monotonic())
        )

    def stop(self) -> None:
        """Stop serving and release everything."""
        stop_server(self._server, self._thread)
        self.executor.shutdown(wait=True)
        self.outbound.shutdown(wait=True)
        self.emulator.stop()
        self.db.dispose()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
