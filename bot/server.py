"""Serve the WSGI app under waitress, a production-grade pure-Python server.

Waitress buffers each request fully before handing it to a worker thread, refuses bodies
over the limit itself, and runs unchanged on Linux, macOS and Windows.
"""

from __future__ import annotations

import threading
from typing import Any

from waitress import create_server, wasyncore
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.web import MAX_BODY_BYTES

WsgiServer = BaseWSGIServer | MultiSocketServer


def make_server(wsgi_app: Any, *, host: str, port: int, threads: int = 8) -> WsgiServer:
    """Bind a waitress server; ``port=0`` picks a free port (tests, the sandbox)."""
    return create_server(
        wsgi_app,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=MAX_BODY_BYTES,
        ident="grievance-bot",
        clear_untrusted_proxy_headers=True,
        channel_timeout=30,
    )


def bound_port(server: WsgiServer) -> int:
    """The TCP port the server listens on."""
    return int(server.effective_port)  # type: ignore[union-attr]


def serve_in_thread(server: WsgiServer) -> threading.Thread:
    """Run ``server`` in a daemon thread (``run``, the sandbox and tests do this)."""
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return thread


def drain(server: WsgiServer, grace_seconds: float) -> None:
    """Stop accepting connections and let the requests in flight finish."""
    server.accepting = False
    server.task_dispatcher.shutdown(cancel_pending=False, timeout=grace_seconds)


def stop_server(server: WsgiServer, thread: threading.Thread, grace_seconds: float = 5) -> None:
    """Drain, then close every socket from the server's own loop thread.

    Closing them from another thread races the loop's ``select`` and ends in EBADF.
    """
    drain(server, grace_seconds)
    try:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    except OSError:  # the loop already closed its trigger while shutting channels down
        return
    thread.join(grace_seconds)
