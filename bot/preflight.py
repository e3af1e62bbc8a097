"""Before the bot serves or ticks: does Slack accept the token, and is the database usable?

An operator who mistypes the token, the API URL or the database URL should read one line
that names the variable and says what to do, not a stack trace from deep inside urllib
or SQLAlchemy. ``run`` and ``tick`` call these before logging starts, so that line is all
they print to stderr; ``check`` shows the same sentences as its findings.
"""

from __future__ import annotations

from http.client import HTTPException

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.settings import Settings, SettingsError
from bot.slack.client import make_web_client
from bot.slack.faults import fault_of, is_outage
from storage.engine import Database
from storage.migrate import upgrade


class NotReady(SettingsError):
    """A setting is well formed but does not work (Slack refuses the token, the database
    does not answer); like any ``SettingsError``, ``str()`` is one line for the operator."""


def verify_slack(settings: Settings) -> SlackResponse:
    """Slack's ``auth.test`` answer for the bot token, or ``NotReady`` naming what to fix."""
    if settings.slack_bot_token is None:
        raise NotReady("SLACK_BOT_TOKEN is missing: set it to the bot token (xoxb-...)")
    client = make_web_client(
        settings.slack_bot_token.get_secret_value(), settings.slack_api_url, max_retries=1
    )
    try:
        return client.auth_test()
    except (SlackApiError, OSError, HTTPException) as exc:
        raise NotReady(_slack_problem(settings.slack_api_url, exc)) from None


def _slack_problem(url: str, exc: Exception) -> str:
    """Either Slack is out of reach (SLACK_API_URL, or wait) or it refused the token."""
    if is_outage(exc):
        return (
            f"SLACK_API_URL {url} cannot be reached ({_cause(exc)}): check the URL and this "
            "host's network or proxy, or try again once Slack is back"
        )
    return (
        f"SLACK_BOT_TOKEN was refused by Slack ({_cause(exc)}): set it to the app's current "
        "Bot User OAuth Token (xoxb-..., on the OAuth & Permissions page), and reinstall "
        "the app if the token was revoked"
    )


def open_database(url: str, *, migrate: bool = True) -> Database:
    """The database at ``url``, answering and (with ``migrate``) at the code's schema.

    Raises ``NotReady`` naming DATABASE_URL when the driver is missing, the server does
    not answer, or a SQLite file cannot be created or written where the URL points.
    """
    try:
        db = Database.from_url(url)
    except ImportError as exc:
        raise NotReady(
            f"DATABASE_URL needs the {exc.name or 'database'} driver, which is not installed: "
            "for PostgreSQL install grievance-bot[postgres]"
        ) from None
    try:
        if migrate:
            upgrade(db.engine)
        else:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.dispose()
        raise NotReady(_database_problem(url, exc)) from None
    return db


def _database_problem(url: str, exc: SQLAlchemyError) -> str:
    shown = make_url(url).render_as_string(hide_password=True)
    cause = _cause(exc.orig if isinstance(exc, DBAPIError) else exc)
    if url.startswith("sqlite"):
        advice = "make sure its directory exists and the bot may write there"
    else:
        advice = (
            "make sure the server is running and reachable from here, and that the user, "
            "password and database name are right"
        )
    return f"DATABASE_URL {shown} cannot be used ({cause}): {advice}"


def _cause(exc: BaseException) -> str:
    """The first line of what went wrong, short: Slack's code, or the system's reason."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        code = fault_of(exc).code
        return code if status == 200 else f"HTTP {status}, {code}"
    reason = getattr(exc, "reason", None) or exc  # urllib's URLError wraps the socket's error
    lines = str(reason).strip().splitlines()
    return (lines[0] if lines else type(reason).__name__)[:160]
