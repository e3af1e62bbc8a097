"""Slack points at the web view: the App Home and shared findings link each case to its
page when a public URL is configured, and say nothing of it when none is."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.sandbox.stack import SandboxStack
from bot.settings import Settings
from tests.conftest import shown

PUBLIC_URL = "https://grievance.example.com"


@pytest.fixture
def published(database_url: str) -> Iterator[SandboxStack]:
    """The sandbox with the pages served at ``PUBLIC_URL``."""
    settings = Settings(database_url=database_url, _env_file=None, public_url=PUBLIC_URL)
    with SandboxStack(settings) as running:
        yield running


def _home(stack: SandboxStack, user: str) -> str:
    assert stack.slack.open_home(user).status == 200
    stack.settle()
    return json.dumps(stack.workspace.views[stack.workspace.home_views[user]].payload)


def test_app_home_links_each_case_to_its_page(published: SandboxStack) -> None:
    shown(published, "UANA", "CACME", "The invoice export broke twice this month")
    assert f"<{PUBLIC_URL}/cases/1|View on the web>" in _home(published, "UANA")


def test_shared_findings_link_to_the_case_page(published: SandboxStack) -> None:
    shown(published, "UANA", "CACME", "The invoice export broke twice this month")
    shown(published, "UANA", "CACME", "lead me")
    shown(published, "UANA", "CACME", "findings")
    posted = [m for m in published.workspace.messages if m.channel == "CACME" and m.bot_id]
    assert f"<{PUBLIC_URL}/cases/1|View the case on the web>" in json.dumps(posted[-1].blocks)


def test_without_a_public_url_slack_shows_no_web_link(stack: SandboxStack) -> None:
    shown(stack, "UANA", "CACME", "The invoice export broke twice this month")
    assert "View on the web" not in _home(stack, "UANA")
