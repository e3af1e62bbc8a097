"""A missing or malformed setting stops the bot with one clear line and status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import load_settings

VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_need_no_configuration() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///grievance.db"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.default_timezone == "UTC"
    assert not settings.has_slack


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=4123\nDEFAULT_TIMEZONE=Europe/Berlin\n")
    settings = load_settings()
    assert (settings.port, settings.default_timezone) == (4123, "Europe/Berlin")


@pytest.mark.parametrize(
    ("name", "value", "advice"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "xoxb-"),
        ("SLACK_APP_TOKEN", "nope", "xapp-"),
        ("PORT", "eighty", "between 1 and 65535"),
        ("PORT", "70000", "between 1 and 65535"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "IANA time zone"),
        ("DATABASE_URL", "not a url", "SQLAlchemy URL"),
        ("SLACK_API_URL", "ftp://x", "http(s) URL"),
        ("LOG_LEVEL", "LOUD", "DEBUG, INFO"),
        ("GRIEVANCE_ESCALATION_CONTACT", "@ben", "Slack user id"),
    ],
)
def test_malformed_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    advice: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert name in err and advice in err
    assert value not in err or name not in {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"}


def test_token_without_signing_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET" in err and "xoxb-1-2-abc" not in err


def test_console_script_exits_2_without_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env["PORT"] = "-1"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("grievance-bot: PORT")
