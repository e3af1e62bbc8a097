"""Typed settings read from the environment and an optional ``.env`` file.

Settings fail fast: a malformed value is reported as one line naming the variable and
what it should look like, so an operator fixes it before Slack ever sees the bot.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SLACK_API_URL = "https://slack.com/api/"

#: What each variable should look like, used to turn a validation error into advice.
EXPECTED: dict[str, str] = {
    "SLACK_BOT_TOKEN": "a bot token starting with xoxb- (OAuth & Permissions page of your app)",
    "SLACK_SIGNING_SECRET": "the 32+ character hex Signing Secret (Basic Information page)",
    "SLACK_APP_TOKEN": "an app-level token starting with xapp- with connections:write",
    "SLACK_API_URL": "an http(s) URL ending in /api/, e.g. https://slack.com/api/",
    "DATABASE_URL": "a SQLAlchemy URL, e.g. sqlite:///grievance.db or "
    "postgresql+psycopg://user:pass@host/db",
    "PORT": "a TCP port number between 1 and 65535, e.g. 3000",
    "DEFAULT_TIMEZONE": "an IANA time zone name, e.g. UTC or Europe/Berlin",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "GRIEVANCE_ESCALATION_CONTACT": "a Slack user id such as U0123ABCD (their profile's "
    "“Copy member ID”)",
    "SLACK_CLIENT_ID": "the app's Client ID (Basic Information page), e.g. 1234.5678",
    "SLACK_CLIENT_SECRET": "the app's Client Secret (Basic Information page)",
    "PUBLIC_URL": "the http(s) address people reach the bot at, e.g. https://bot.example.com",
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    database_url: str = "sqlite:///grievance.db"
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    #: Who may receive a confidential grievance instead of the case's only lead when it
    #: names that lead; unset, the person filing can only send it to that lead or cancel.
    grievance_escalation_contact: str | None = None
    #: Sign in with Slack for the web view (``bot.webview``); unset, the pages say sign-in
    #: is not configured. Share links still work.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    #: Where people reach this process from a browser; it builds the sign-in redirect and
    #: Slack's "View on the web" links, and makes the session cookie Secure when https.
    public_url: str | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("not a bot token")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("not an app-level token")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 16:
            raise ValueError("too short")
        return value

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_id",
        "slack_client_secret",
        "public_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return None if value is None else value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL") from exc
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @field_validator("grievance_escalation_contact", mode="before")
    @classmethod
    def _escalation_contact(cls, value: object) -> object:
        if value is None or value == "":
            return None
        if not re.fullmatch(r"[UW][A-Z0-9]{2,20}", str(value)):
            raise ValueError("not a Slack user id")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("unknown log level")
        return upper

    @property
    def log_level_number(self) -> int:
        """The level as the ``logging`` module wants it."""
        return logging.getLevelNamesMapping()[self.log_level]

    @property
    def has_slack(self) -> bool:
        """True when a bot token is configured, i.e. the bot should talk to a real Slack."""
        return self.slack_bot_token is not None

    def secrets(self) -> list[str]:
        """The secret values set, so logs can scrub them wherever they appear."""
        found = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.slack_client_secret,
        )
        return [s.get_secret_value() for s in found if s is not None]

    @property
    def has_signin(self) -> bool:
        """True when Sign in with Slack can run: the app's OAuth credentials, and a
        signing secret to derive the session key from."""
        return (
            self.slack_client_id is not None
            and self.slack_client_secret is not None
            and self.slack_signing_secret is not None
        )

    @property
    def slack_web_url(self) -> str:
        """Slack's own web root (``https://slack.com/``), where the sign-in page is: the
        API URL without its ``api/``, so an emulator or proxy serves both."""
        return self.slack_api_url.removesuffix("api/")

    def require_slack(self) -> None:
        """Refuse to talk to Slack over HTTP without a signing secret to verify requests."""
        if self.slack_signing_secret is None and self.slack_app_token is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is missing: set it to "
                + EXPECTED["SLACK_SIGNING_SECRET"]
                + " (or set SLACK_APP_TOKEN for Socket Mode)"
            )


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's error report into one operator-friendly line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        hint = EXPECTED.get(name, "a valid value")
        raise SettingsError(f"{name} is malformed ({first['msg']}): it should be {hint}") from None
