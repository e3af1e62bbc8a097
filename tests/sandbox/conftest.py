"""Fixtures for the emulator tests: a demo workspace, the emulated Web API and a
`slack_sdk.WebClient` on it, the stand-in bot, and Slack's side sending to that bot.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.sandbox.slack_side import SlackSide
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from tests.sandbox.emulator_helpers import SECRET, FakeBot, Received, _serve


@pytest.fixture
def workspace() -> Workspace:
    return Workspace.demo()


@pytest.fixture
def server(workspace: Workspace) -> Iterator[EmulatorServer]:
    with EmulatorServer(workspace) as emulator:
        yield emulator


@pytest.fixture
def client(server: EmulatorServer, workspace: Workspace) -> WebClient:
    return WebClient(token=workspace.bot_token, base_url=server.base_url)


@pytest.fixture
def bot() -> Iterator[FakeBot]:
    fake = FakeBot()
    verifier = SignatureVerifier(SECRET)

    def respond(headers: dict[str, str], body: str) -> tuple[int, str, str]:
        if not verifier.is_valid_request(body, headers):
            return 401, "application/json", '{"error": "invalid request"}'
        got = Received(headers, body)
        fake.received.append(got)
        status, answer = fake.reply(got)
        kind = "application/json" if answer.startswith("{") else "text/plain"
        return status, kind, answer

    httpd = _serve(respond)
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/slack/events"
    yield fake
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def slack(workspace: Workspace, server: EmulatorServer, bot: FakeBot) -> SlackSide:
    return SlackSide(workspace, server, bot.url, SECRET)
