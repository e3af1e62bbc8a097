"""Tokens and the signing secret never leave the process: not in logs, exports, the sandbox's
output or ``check``'s messages; and ``check`` warns about a ``.env`` others can read.

Each test puts the secret where it would most plausibly leak (in a Slack error body, in
the environment of an export, in the emulator the sandbox talks to, in a refused token)
and then reads what an operator would see.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.check import run_checks
from bot.cli import main
from bot.logs import configure_logging
from bot.sandbox.stack import SandboxStack
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from bot.settings import Settings

SIGNING_SECRET = "5f1e0c9a7b3d2e4f6a8b0c1d2e3f4a5b"
SANDBOX_TOKEN = "xoxb-sandbox-token"


class _Keep(logging.Handler):
    """Keeps the raw records, to prove the secret really reached the logging system."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run from an empty directory (no developer ``.env``) and restore the root logger."""
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    sdk_level = logging.getLogger("slack_sdk").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("slack_sdk").setLevel(sdk_level)


# ---- .env permissions ---------------------------------------------------------------------


def _env_findings(settings: Settings) -> list[tuple[bool, str]]:
    return [(f.ok, f.detail) for f in run_checks(settings) if f.subject == ".env"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX mode bits")
def test_check_warns_when_the_env_file_is_readable_by_others(
    tmp_path: Path, database_url: str
) -> None:
    settings = Settings(_env_file=None, database_url=database_url)
    assert _env_findings(settings) == []  # no .env, nothing to say

    env = tmp_path / ".env"
    env.write_text(f"SLACK_SIGNING_SECRET={SIGNING_SECRET}\n", encoding="utf-8")
    env.chmod(0o644)
    [(ok, detail)] = _env_findings(settings)
    assert not ok and "0644" in detail and "chmod 600 .env" in detail

    env.chmod(0o640)  # group-readable is still too open
    assert not _env_findings(settings)[0][0]

    env.chmod(0o600)
    assert _env_findings(settings) == [(True, "readable by its owner only (mode 0600)")]


@pytest.mark.skipif(os.name == "nt", reason="POSIX mode bits")
def test_check_command_flags_the_env_file_and_never_echoes_a_refused_token(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad_token = "xoxb-1111-2222-NotTheRightOne"
    env = tmp_path / ".env"
    env.write_text(
        f"SLACK_BOT_TOKEN={bad_token}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n",
        encoding="utf-8",
    )
    env.chmod(0o644)
    monkeypatch.setenv("DATABASE_URL", database_url)
    with EmulatorServer(Workspace.demo()) as emulator:
        monkeypatch.setenv("SLACK_API_URL", emulator.base_url)
        assert main(["check"]) == 1
    out, err = capsys.readouterr()
    assert "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)" in out and "chmod 600 .env" in out
    for secret in (bad_token, "NotTheRightOne", SIGNING_SECRET):
        assert secret not in out and secret not in err


def test_check_never_echoes_a_malformed_token_or_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in (
        ("SLACK_BOT_TOKEN", "xoxp-user-token-pasted-by-mistake"),
        ("SLACK_SIGNING_SECRET", "short-secret"),
        ("SLACK_APP_TOKEN", "xoxb-bot-token-in-the-app-slot"),
    ):
        monkeypatch.setenv(name, value)
        assert main(["check"]) == 2
        out, err = capsys.readouterr()
        assert name in err and value not in out + err
        monkeypatch.delenv(name)


def test_check_never_echoes_the_token_when_slack_cannot_be_reached(database_url: str) -> None:
    token = "xoxb-3333-4444-unreachable"
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr(token),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url="http://127.0.0.1:9/api/",
        database_url=database_url,
    )
    details = " ".join(f.detail for f in run_checks(settings))
    assert "SLACK_API_URL http://127.0.0.1:9/api/ cannot be reached" in details
    assert token not in details and SIGNING_SECRET not in details


# ---- logs ---------------------------------------------------------------------------------


def test_a_slack_error_carrying_the_token_is_scrubbed_from_every_log_line(
    stack: SandboxStack,
) -> None:
    token = stack.workspace.bot_token
    assert stack.settings.slack_signing_secret is not None
    secret = stack.settings.slack_signing_secret.get_secret_value()
    # The logging of `grievance-bot run`, at its most talkative, into a buffer.
    configure_logging(logging.DEBUG, stack.settings.secrets())
    root = logging.getLogger()
    written = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(written)
    kept = _Keep()
    root.addHandler(kept)

    # Slack answers with an error that quotes the credentials back (a proxy might).
    stack.workspace.inject("chat.postMessage", f"invalid_auth token={token} secret={secret}")
    stack.slack.slash_command("UCARLA", "CACME", "The export broke again")
    assert stack.settle()
    root.removeHandler(kept)

    raw = [r.getMessage() + " " + str(vars(r)) for r in kept.records]
    assert any(token in line for line in raw), "the error never reached the logs"
    assert any(r.name == "grievance_bot.http" for r in kept.records)
    output = written.getvalue()
    assert output.count("\n") >= len(kept.records) > 0
    assert token not in output and secret not in output
    assert "[redacted]" in output


# ---- exports ------------------------------------------------------------------------------


def test_exports_never_contain_the_tokens_or_the_signing_secret(
    stack: SandboxStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.slack.slash_command("UCARLA", "CACME", "Reports are late")
    assert stack.settle()
    bot_token, app_token = "xoxb-5555-6666-ExportBot", "xapp-1-A0-7777-ExportApp"
    monkeypatch.setenv("DATABASE_URL", stack.settings.database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", bot_token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_APP_TOKEN", app_token)
    capsys.readouterr()
    for fmt in ("json", "csv", "markdown"):
        assert main(["export", "--format", fmt, "--include-confidential"]) == 0
        out, err = capsys.readouterr()
        assert "Reports are late" in out  # the export did export something
        for secret in (bot_token, app_token, SIGNING_SECRET, SANDBOX_TOKEN, "xoxb-", "xapp-"):
            assert secret not in out and secret not in err, (fmt, secret)


# ---- sandbox ------------------------------------------------------------------------------


def test_the_sandbox_tour_never_prints_the_emulators_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'sandbox.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Buy-in reached" in result.stdout  # the tour ran to its end
    assert SANDBOX_TOKEN not in result.stdout and SANDBOX_TOKEN not in result.stderr
