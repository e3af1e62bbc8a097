"""Structured logging: one JSON object per line, with secrets scrubbed.

Operators grep and ship these lines; a token in a log is a leaked token, so every
record passes through a filter that blanks Slack token shapes and the configured
secrets, whatever logger produced it (ours, Bolt's or slack_sdk's).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

TOKEN_SHAPE = re.compile(r"\bx(?:ox[abposer]|app)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"
#: Attributes of every LogRecord; anything else was passed with ``extra=`` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Blank token-shaped strings and the given secret values in ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


class RedactingJsonFormatter(logging.Formatter):
    """Format a record as one JSON line and scrub secrets from the whole line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False), self._secrets)


def configure_logging(level: int, secrets: Iterable[str] = ()) -> None:
    """Send every logger's records, as redacted JSON lines, to standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingJsonFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs whole request bodies at DEBUG; keep them out unless asked for.
    logging.getLogger("slack_sdk").setLevel(max(level, logging.INFO))
