"""``grievance-bot check``: find what is wrong with a deployment before Slack does."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.preflight import NotReady, open_database, verify_slack
from bot.settings import Settings
from bot.slack.client import make_web_client
from bot.surface import BOT_SCOPES
from storage.migrate import current_revision, head_revision


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, whether it is fine, and what to do."""

    ok: bool
    subject: str
    detail: str


def _slack_findings(settings: Settings) -> list[Finding]:
    if settings.slack_bot_token is None:
        return [Finding(False, "SLACK_BOT_TOKEN", "not set: only the local sandbox can run")]
    findings = [Finding(True, "SLACK_BOT_TOKEN", "set")]
    if settings.slack_app_token is not None:
        findings.append(Finding(True, "SLACK_APP_TOKEN", "set: run will use Socket Mode"))
    elif settings.slack_signing_secret is None:
        findings.append(
            Finding(
                False, "SLACK_SIGNING_SECRET", "not set: HTTP mode cannot verify Slack's requests"
            )
        )
    else:
        findings.append(
            Finding(
                True,
                "SLACK_SIGNING_SECRET",
                f"set: run will serve HTTP on :{settings.port}/slack/events",
            )
        )
    try:
        auth = verify_slack(settings)
    except NotReady as exc:
        return [*findings, Finding(False, "Slack auth.test", str(exc))]
    findings.append(
        Finding(True, "Slack auth.test", f"bot @{auth.get('user')} in workspace {auth.get('team')}")
    )
    granted = {s.strip() for s in auth.headers.get("x-oauth-scopes", "").split(",") if s.strip()}
    missing = sorted(set(BOT_SCOPES) - granted)
    if missing:
        findings.append(
            Finding(
                False,
                "OAuth scopes",
                "missing "
                + ", ".join(missing)
                + ": add them (manifest.yml has them) and reinstall the app",
            )
        )
    else:
        findings.append(Finding(True, "OAuth scopes", "all granted"))
    if settings.grievance_escalation_contact and settings.slack_bot_token is not None:
        client = make_web_client(
            settings.slack_bot_token.get_secret_value(), settings.slack_api_url, max_retries=1
        )
        findings.append(_escalation_finding(client, settings.grievance_escalation_contact))
    return findings


def _escalation_finding(client: WebClient, user_id: str) -> Finding:
    """The escalation contact must be a live person the bot can DM, or confidential
    grievances sent to them would go nowhere."""
    subject = "GRIEVANCE_ESCALATION_CONTACT"
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        return Finding(False, subject, f"{user_id}: Slack says {exc.response.get('error')}")
    name = user.get("real_name") or user.get("name") or user_id
    if user.get("deleted") or user.get("is_bot"):
        kind = "deactivated" if user.get("deleted") else "a bot"
        return Finding(False, subject, f"{user_id} ({name}) is {kind}: name a person")
    return Finding(True, subject, f"{user_id} ({name})")


def _database_findings(settings: Settings) -> list[Finding]:
    try:
        db = open_database(settings.database_url, migrate=False)
    except NotReady as exc:
        return [Finding(False, "Database", str(exc))]
    try:
        current, head = current_revision(db.engine), head_revision(db.engine)
    finally:
        db.dispose()
    if current != head:
        return [
            Finding(
                False,
                "Database schema",
                f"at {current or 'nothing'}, code needs {head}: run `grievance-bot db upgrade`",
            )
        ]
    return [Finding(True, "Database schema", f"migrated ({head})")]


def _env_file_findings(env_file: Path) -> list[Finding]:
    """Warn when the ``.env`` holding the tokens is readable by anyone but its owner.

    Whoever can read the file can act as the bot in every channel it is in, and the
    signing secret lets them forge Slack's requests; ``chmod 600`` is the whole fix. No
    finding when there is no file (the environment may hold the settings), and none on
    Windows, where the mode bits do not describe who can read the file.
    """
    if os.name == "nt" or not env_file.is_file():
        return []
    mode = stat.S_IMODE(env_file.stat().st_mode)
    if mode & 0o077:
        return [
            Finding(
                False,
                str(env_file),
                f"readable or writable by group or others (mode {mode:04o}) and it holds the Slack "
                f"secrets: run `chmod 600 {env_file}`",
            )
        ]
    return [Finding(True, str(env_file), f"readable by its owner only (mode {mode:04o})")]


def _web_findings(settings: Settings) -> list[Finding]:
    """The web view's sign-in: optional, but half of it set is a mistake worth saying."""
    subject = "Web view sign-in"
    has_id = settings.slack_client_id is not None
    if has_id != (settings.slack_client_secret is not None):
        return [Finding(False, subject, "set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")]
    if not settings.has_signin:
        return [
            Finding(
                True,
                subject,
                "off: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (and PUBLIC_URL) to let "
                "people sign in with Slack; share links work without them",
            )
        ]
    where = settings.public_url or f"http://<host>:{settings.port}"
    return [
        Finding(
            True,
            subject,
            f"on: add {where}/signin/callback as a redirect URL of the app (OAuth & "
            "Permissions); sessions are signed with a key derived from SLACK_SIGNING_SECRET",
        )
    ]


def run_checks(settings: Settings, env_file: Path = Path(".env")) -> list[Finding]:
    """Every check, in the order an operator would fix them.

    ``env_file`` is the ``.env`` that settings are read from (the working directory's).
    """
    return (
        _env_file_findings(env_file)
        + _slack_findings(settings)
        + _web_findings(settings)
        + _database_findings(settings)
    )
