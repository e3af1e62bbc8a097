"""Serve the WSGI app under waitress, a production-grade pure-Python server.

Waitress buffers each request fully before handing it to a worker thread, refuses bodies
over the limit itself, and runs unchanged on Linux, macOS and Windows.

Slow clients cannot take it down: a request must be read whole within
``REQUEST_READ_SECONDS`` of its first byte (:mod:`bot.read_deadline`) and a connection
may sit silent no longer, so a client trickling bytes, or sending none, holds a
connection slot for seconds, not for ever. ``CONNECTION_LIMIT`` is sized with that
deadline: filling every slot takes ``CONNECTION_LIMIT / REQUEST_READ_SECONDS`` new
connections a second, sustained, which is a flood for the proxy in front to refuse, not
a few slow clients.
"""

from __future__ import annotations

import threading
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments

from bot.open_files import fit_connections
from bot.read_deadline import DeadlineServer
from bot.web import MAX_BODY_BYTES

WsgiServer = DeadlineServer

#: Seconds a client has to send one whole request (headers and body) from its first
#: byte, and to stay silent on an open connection. Slack sends a few kilobytes at once
#: and gives up on an answer after 3 s itself, so a real Slack request never comes near.
REQUEST_READ_SECONDS = 10
#: Connections served at once (waitress's default is 100); see the module docstring.
CONNECTION_LIMIT = 1000


def make_server(
    wsgi_app: Any,
    *,
    host: str,
    port: int,
    threads: int = 8,
    read_seconds: float = REQUEST_READ_SECONDS,
) -> WsgiServer:
    """Bind a waitress server; ``port=0`` picks a free port (tests, the sandbox)."""
    adjustments = Adjustments(
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=MAX_BODY_BYTES,
        ident="grievance-bot",
        clear_untrusted_proxy_headers=True,
        channel_timeout=max(1, round(read_seconds)),
        connection_limit=fit_connections(CONNECTION_LIMIT),
        cleanup_interval=1,
        asyncore_use_poll=True,  # select() cannot watch descriptors numbered over 1023
    )
    return DeadlineServer(wsgi_app, adj=adjustments, read_seconds=read_seconds)


def bound_port(server: WsgiServer) -> int:
    """The TCP port the server listens on."""
    return int(server.effective_port)


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
