"""PostgreSQL going away under a running bot: told truthfully, nothing half-written, and
the bot recovers by itself when the server is back.

The bot reaches its database through a loopback relay the test can cut: cutting it drops
every open connection and refuses new ones, as a server that went down does. PostgreSQL
only (``TEST_DATABASE_URL``); SQLite has no server to lose.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import func, make_url, select

from bot.sandbox.stack import SandboxStack
from bot.settings import Settings
from storage.models import Grievance
from tests.conftest import POSTGRES_SERVER_URL, fresh_database

pytestmark = pytest.mark.skipif(not POSTGRES_SERVER_URL, reason="a PostgreSQL fault")

COULD_NOT_SAVE = "I couldn't save this"


class Relay:
    """A TCP relay on loopback to ``target``; ``cut()`` drops and refuses connections."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.close()

    def cut(self) -> None:
        """The server goes away: open connections are reset, new ones closed at once."""
        self.up = False
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                    end.close()
            self.open.clear()

    def restore(self) -> None:
        """The server is back."""
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def relayed(tmp_path: object) -> Iterator[tuple[SandboxStack, Relay]]:
    """The bot on a database of its own, reached through a relay the test can cut."""
    with fresh_database(tmp_path) as url:  # type: ignore[arg-type]
        direct = make_url(url)
        relay = Relay((direct.host or "127.0.0.1", direct.port or 5432))
        through = direct.set(host="127.0.0.1", port=relay.port)
        settings = Settings(
            database_url=through.render_as_string(hide_password=False), _env_file=None
        )
        try:
            with SandboxStack(settings) as stack:
                yield stack, relay
        finally:
            relay.close()


def _health(stack: SandboxStack) -> int:
    try:
        with urllib.request.urlopen(stack.url + "/healthz", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_postgresql_down_is_told_truthfully_and_the_bot_recovers_by_itself(
    relayed: tuple[SandboxStack, Relay],
) -> None:
    stack, relay = relayed
    stack.slack.slash_command("UANA", "CACME", "The export broke again")
    stack.settle()
    assert _health(stack) == 200

    relay.cut()
    delivery = stack.slack.slash_command("UANA", "CACME", "The staging site is down")
    answer = str((delivery.json or {}).get("text", ""))
    assert delivery.status == 200 and answer.startswith(COULD_NOT_SAVE)
    assert answer.endswith(">The staging site is down")  # their words, given back
    assert _health(stack) == 503

    relay.restore()
    assert _health(stack) == 200  # no restart: the pool reconnects
    stack.slack.slash_command("UANA", "CACME", "The staging site is down")
    stack.settle()
    with stack.db.reading() as session:
        texts = list(session.scalars(select(Grievance.text).order_by(Grievance.number)))
        numbers = session.scalar(select(func.max(Grievance.number)))
    assert texts == ["The export broke again", "The staging site is down"]  # none half-kept
    assert numbers == 2
    assert json.dumps(texts).count("staging") == 1
