"""``grievance-bot check`` finds problems before Slack does; logs are structured and clean."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.check import run_checks
from bot.logs import RedactingJsonFormatter, redact
from bot.sandbox.stack import SandboxStack
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from bot.settings import Settings
from storage.engine import Database
from storage.migrate import upgrade


def _settings(emulator: EmulatorServer, database_url: str, token: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr(token),
        slack_signing_secret=SecretStr("0123456789abcdef0123"),
        slack_api_url=emulator.base_url,
        database_url=database_url,
    )


def _problems(settings: Settings) -> dict[str, str]:
    return {f.subject: f.detail for f in run_checks(settings) if not f.ok}


def test_check_passes_on_a_good_setup(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # a developer's own .env must not decide this test
    workspace = Workspace.demo()
    with EmulatorServer(workspace) as emulator:
        upgrade(Database.from_url(database_url).engine)
        assert _problems(_settings(emulator, database_url, workspace.bot_token)) == {}


def test_check_reports_missing_scopes_bad_token_and_unmigrated_database(database_url: str) -> None:
    workspace = Workspace.demo()
    workspace.granted_scopes = ("commands", "chat:write")
    with EmulatorServer(workspace) as emulator:
        problems = _problems(_settings(emulator, database_url, workspace.bot_token))
        assert "reactions:read" in problems["OAuth scopes"]
        assert "grievance-bot db upgrade" in problems["Database schema"]
        refused = _problems(_settings(emulator, database_url, "xoxb-not-the-right-one"))
        assert "invalid_auth" in refused["Slack auth.test"]


def test_check_verifies_the_escalation_contact_when_one_is_set(database_url: str) -> None:
    workspace = Workspace.demo()
    with EmulatorServer(workspace) as emulator:
        upgrade(Database.from_url(database_url).engine)
        good = _settings(emulator, database_url, workspace.bot_token)
        fine = good.model_copy(update={"grievance_escalation_contact": "UBEN"})
        assert "GRIEVANCE_ESCALATION_CONTACT" not in _problems(fine)
        gone = good.model_copy(update={"grievance_escalation_contact": "UNOBODY"})
        assert "user_not_found" in _problems(gone)["GRIEVANCE_ESCALATION_CONTACT"]
        bot = good.model_copy(update={"grievance_escalation_contact": workspace.bot_user_id})
        assert "is a bot" in _problems(bot)["GRIEVANCE_ESCALATION_CONTACT"]


def test_check_says_when_slack_cannot_be_reached(database_url: str) -> None:
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-1"),
        slack_api_url="http://127.0.0.1:9/api/",
        database_url=database_url,
    )
    problems = _problems(settings)
    unreachable = "SLACK_API_URL http://127.0.0.1:9/api/ cannot be reached"
    assert problems["Slack auth.test"].startswith(unreachable)
    assert "SLACK_SIGNING_SECRET" in problems


def test_tokens_and_secrets_are_scrubbed_from_log_lines() -> None:
    formatter = RedactingJsonFormatter(secrets=["shh-signing-secret"])
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "token xoxb-123-456-abc and secret shh-signing-secret",
        None,
        None,
    )
    record.header = "Bearer xapp-1-A0-999"
    line = formatter.format(record)
    assert "xoxb-123" not in line and "shh-signing" not in line and "xapp-1" not in line
    assert json.loads(line)["msg"].count("[redacted]") == 2
    assert redact("xoxp-9-9-9") == "[redacted]"


def test_each_request_leaves_one_structured_log_line(
    stack: SandboxStack, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    with caplog.at_level(logging.INFO, logger="grievance_bot.http"):
        stack.slack.slash_command("UANA", "CACME", "help")
    lines = [r for r in caplog.records if r.name == "grievance_bot.http"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.type, line.team, line.channel, line.status) == (
        "slash_command",
        "T0SANDBOX",
        "CACME",
        200,
    )
    assert line.duration_ms >= 0
    formatted = RedactingJsonFormatter(stack.settings.secrets()).format(line)
    assert stack.workspace.bot_token not in formatted
