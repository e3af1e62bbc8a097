"""Start the bot for real: HTTP under waitress, or Socket Mode."""

from __future__ import annotations

import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.scheduler import start_scheduler
from bot.server import drain, make_server, serve_in_thread
from bot.settings import Settings
from bot.slack.client import make_web_client
from bot.slack.outbound import outbound_pool
from bot.web import EVENTS_PATH, SlackWsgiApp
from bot.webview.app import build_web_view
from storage.engine import Database

logger = logging.getLogger("grievance_bot")

#: How long in-flight requests get to finish after SIGTERM.
SHUTDOWN_GRACE_SECONDS = 20


@dataclass
class Runtime:
    """The long-lived objects of one bot process."""

    settings: Settings
    db: Database
    app: App
    executor: ThreadPoolExecutor
    #: Web API calls made after acknowledging (``bot.slack.outbound``).
    outbound: ThreadPoolExecutor
    scheduler: BackgroundScheduler | None = None

    def stop(self) -> None:
        """Stop the scheduler, wait for listeners and their posts still at work, close the
        database."""
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
        self.executor.shutdown(wait=True)
        self.outbound.shutdown(wait=True)
        self.db.dispose()


def build_runtime(settings: Settings, db: Database, *, scheduler: bool = True) -> Runtime:
    """Build the app on a migrated database; start the scheduler unless told not to."""
    assert settings.slack_bot_token is not None
    client = make_web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="listener")
    outbound = outbound_pool()
    app = build_app(settings, db, client, executor=executor, outbound=outbound)
    jobs = start_scheduler(db, client, public_url=settings.public_url) if scheduler else None
    return Runtime(
        settings=settings,
        db=db,
        app=app,
        executor=executor,
        outbound=outbound,
        scheduler=jobs,
    )


def serve_http(runtime: Runtime, host: str = "0.0.0.0") -> None:
    """Serve ``/slack/events``, ``/healthz`` and the pages until SIGTERM or Ctrl-C.

    Waitress runs in its own thread while the main thread waits for a signal. Then the
    server stops accepting, in-flight requests finish, and the listeners still working
    after their acknowledgement are waited for, so nothing a user was told about is cut
    off half-way. (Raising out of waitress's select loop from a signal handler can leave
    it selecting on closed sockets.)
    """
    server = make_server(
        SlackWsgiApp(runtime.app, runtime.db, build_web_view(runtime.settings, runtime.db)),
        host=host,
        port=runtime.settings.port,
    )
    serve_in_thread(server)
    logger.info("serving", extra={"port": runtime.settings.port, "path": EVENTS_PATH})
    _wait_for_signal()
    logger.info("shutting down: finishing in-flight requests")
    drain(server, SHUTDOWN_GRACE_SECONDS)
    runtime.stop()
    logger.info("stopped")


def serve_socket_mode(runtime: Runtime) -> None:
    """Connect to Slack over a WebSocket; no public URL needed."""
    assert runtime.settings.slack_app_token is not None
    handler = SocketModeHandler(runtime.app, runtime.settings.slack_app_token.get_secret_value())
    logger.info("connecting in socket mode")
    handler.connect()
    _wait_for_signal()
    logger.info("shutting down: closing the socket")
    handler.close()
    runtime.stop()
    logger.info("stopped")


def _wait_for_signal() -> None:
    """Block the main thread until SIGTERM or Ctrl-C."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop.wait()
