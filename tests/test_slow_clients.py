"""Slow clients cannot take the server down (slowloris, no signature needed).

Hundreds of connections trickle a request one byte at a time while Slack's signed
requests must still be acknowledged within a second; and a request not read whole by the
deadline is cut off, so a trickling client cannot hold its connection slot for ever.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from bot.sandbox.stack import SandboxStack
from bot.server import bound_port, make_server, serve_in_thread, stop_server
from bot.web import SlackWsgiApp

#: Slow connections held open at once: five times waitress's default connection limit.
SLOW_CLIENTS = 500
#: The start of a request that never ends: each connection then sends one more byte of
#: an endless header every ``_TRICKLE_SECONDS``.
_REQUEST_HEAD = b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 10\r\nX-Slow: "
_TRICKLE_SECONDS = 0.2


@contextmanager
def trickling(port: int, connections: int) -> Iterator[list[socket.socket]]:
    """Open ``connections`` sockets to ``port`` and keep each sending a byte at a time."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
    stop = threading.Event()

    def trickle() -> None:
        for sock in sockets:
            _send(sock, _REQUEST_HEAD)
        while not stop.wait(_TRICKLE_SECONDS):
            for sock in sockets:
                _send(sock, b"x")

    thread = threading.Thread(target=trickle, name="slowloris", daemon=True)
    thread.start()
    try:
        yield sockets
    finally:
        stop.set()
        thread.join()
        for sock in sockets:
            sock.close()


def _send(sock: socket.socket, data: bytes) -> None:
    with suppress(OSError):  # the server has closed it: that is what the deadline is for
        sock.sendall(data)


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_signed_requests_are_acknowledged_within_a_second_while_slow_clients_trickle(
    stack: SandboxStack,
) -> None:
    with trickling(urlsplit(stack.url).port or 0, SLOW_CLIENTS):
        time.sleep(1)  # every slow client connected and sending
        for _ in range(5):
            started = time.perf_counter()
            delivery = stack.slack.slash_command("UANA", "CACME", "help")
            waited = time.perf_counter() - started
            assert delivery.status == 200, delivery.body
            assert waited < 1, f"acknowledged after {waited:.1f} s"


def test_a_request_not_read_whole_by_the_deadline_is_cut_off(stack: SandboxStack) -> None:
    server = make_server(
        SlackWsgiApp(stack.app, stack.db), host="127.0.0.1", port=0, read_seconds=1
    )
    thread = serve_in_thread(server)
    try:
        port = bound_port(server)
        with trickling(port, 3) as slow:
            prompt = socket.create_connection(("127.0.0.1", port))
            prompt.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n")
            time.sleep(0.5)
            prompt.sendall(b"\r\n")  # slow, but whole within the deadline: served
            assert prompt.recv(1024).startswith(b"HTTP/1.1 200")
            assert all(_closed_by_server(sock, within=4) for sock in slow)
    finally:
        stop_server(server, thread)


#: A server started under systemd's usual open-file soft limit of 1024, here made 256 so
#: that a few hundred connections reach it; it prints its port and serves until stdin ends.
_LOW_LIMIT_SERVER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
from bot.server import bound_port, make_server, serve_in_thread

def app(environ, start_response):
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]

server = make_server(app, host="127.0.0.1", port=0)
serve_in_thread(server)
print(bound_port(server), flush=True)
sys.stdin.read()
"""


def test_a_low_open_file_limit_does_not_cap_connections_below_the_limit() -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", _LOW_LIMIT_SERVER],
        cwd=Path(__file__).resolve().parent.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        port = int(server.stdout.readline())
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
        probe = socket.create_connection(("127.0.0.1", port), timeout=3)
        probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
        assert probe.recv(64).startswith(b"HTTP/1.1 200")
        for sock in [*held, probe]:
            sock.close()
    finally:
        server.stdin.close()
        server.wait(timeout=10)
