"""Start the bot for real: HTTP under waitress, or Socket Mode."""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass
from types import FrameType

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.server import make_server
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.web import EVENTS_PATH, SlackWsgiApp
from storage.engine import Database
from storage.migrate import upgrade

logger = logging.getLogger("grievance_bot")


@dataclass
class Runtime:
    """The long-lived objects of one bot process."""

    settings: Settings
    db: Database
    app: App


def build_runtime(settings: Settings) -> Runtime:
    """Migrate the database and build the app against ``settings.slack_api_url``."""
    assert settings.slack_bot_token is not None
    db = Database.from_url(settings.database_url)
    upgrade(db.engine)
    client = make_web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    return Runtime(settings=settings, db=db, app=build_app(settings, db, client))


def serve_http(runtime: Runtime, host: str = "0.0.0.0") -> None:
    """Serve ``/slack/events`` and ``/healthz`` until SIGTERM or Ctrl-C."""
    server = make_server(
        SlackWsgiApp(runtime.app, runtime.db), host=host, port=runtime.settings.port
    )

    def stop(_signum: int, _frame: FrameType | None) -> None:
        logger.info("shutting down")
        server.close()

    signal.signal(signal.SIGTERM, stop)
    logger.info("serving", extra={"port": runtime.settings.port, "path": EVENTS_PATH})
    try:
        server.run()
    except KeyboardInterrupt:
        server.close()
    finally:
        runtime.db.dispose()


def serve_socket_mode(runtime: Runtime) -> None:
    """Connect to Slack over a WebSocket; no public URL needed."""
    assert runtime.settings.slack_app_token is not None
    handler = SocketModeHandler(runtime.app, runtime.settings.slack_app_token.get_secret_value())
    logger.info("connecting in socket mode")
    handler.start()
