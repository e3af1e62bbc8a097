"""Slack points at the web view: the App Home, shared findings and the weekly digest
link each case to its page when a public URL is configured, and say nothing of it when
none is."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.jobs import digests, run_due
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
    shown(stack, "UANA", "CACME", "digest")
    assert "View on the web" not in _digest(stack)


def _digest(stack: SandboxStack) -> str:
    (posted,) = [m for m in stack.workspace.messages if m.text.startswith("Weekly digest")]
    return json.dumps(posted.blocks)


def test_the_weekly_digest_links_to_the_case_page(published: SandboxStack) -> None:
    shown(published, "UANA", "CACME", "The invoice export broke twice this month")
    due = digests.next_due(published.db, published.clock())
    assert due is not None
    published.advance(due)
    done = run_due(published.db, published.app.client, due, public_url=PUBLIC_URL)
    assert done["digests"] == 1
    assert f"<{PUBLIC_URL}/cases/1|View on the web>" in _digest(published)


def test_a_digest_asked_for_links_to_the_case_page(published: SandboxStack) -> None:
    shown(published, "UANA", "CACME", "The invoice export broke twice this month")
    shown(published, "UANA", "CACME", "digest")
    assert f"<{PUBLIC_URL}/cases/1|View on the web>" in _digest(published)
