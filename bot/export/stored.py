"""Stored column values as the export gives them back: timestamps in UTC, lists, JSON.

Columns that hold JSON (check-in questions, health components) are parsed, so a reader
does not decode JSON inside JSON; text that is not valid JSON is kept verbatim rather than
dropped, since the export is the archive.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def as_utc(value: datetime) -> datetime:
    """Give a stored timestamp its offset back.

    SQLite keeps ``DateTime(timezone=True)`` values without their offset, and the models
    only ever write UTC, so a naive value read back is UTC; an aware one is normalised.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_utc_or_none(value: datetime | None) -> datetime | None:
    """:func:`as_utc` for the optional timestamps (answered, reminded, approved, done)."""
    return None if value is None else as_utc(value)


def split_lines(text: str | None) -> tuple[str, ...]:
    """The items of a one-item-per-line column (questions, success measures).

    The bot writes these as the cleaned items joined by newlines, so splitting gives the
    items back exactly; blank lines carry nothing and are dropped.
    """
    return tuple(line for line in (text or "").splitlines() if line.strip())


def split_commas(text: str | None) -> tuple[str, ...]:
    """The items of a comma-separated column (a check-in schedule's holidays).

    The bot stores these as ISO dates joined by commas, so splitting gives them back;
    stray spaces and empty items carry nothing and are dropped.
    """
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def parse_json_column(text: str | None) -> Any:
    """The value a JSON text column holds, or the text itself when it is not JSON.

    Parsed so the export nests the value instead of a string a reader must decode again;
    an unreadable value is kept as stored, because dropping it would make the archive lossy.
    """
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
