"""What the export tests check against: the seed's clock and the texts it plants, and
the ``Fixture`` handed to tests (a database with two cases and the facts about it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
MULTILINE = 'Line one, with "quotes" and a comma\nline two\n\nline four | with a pipe'
DELETED_SECRET = "I should not have written this"
CONFIDENTIAL_TEXT = "Dan keeps talking over our engineers in standups"
ANONYMOUS_ANSWER = "Nobody told us the launch moved.\nWe found out from a customer."
CHECKIN_QUESTIONS = [
    {"kind": "rating", "text": "How are we doing on reports?"},
    {"kind": "rating", "text": "How is communication?"},
    {"kind": "text", "text": "Anything we should know?"},
]
#: A stored value that is not JSON: the export must keep it, not drop it.
NOT_JSON = "rating: How are we doing?"
HEALTH_COMPONENTS = {
    "points": {"checkins": 20.0, "strategy": 25, "silence": -10.0},
    "reasons": ["Dan Client has not answered the last two check-ins"],
}


@dataclass(frozen=True)
class Fixture:
    """A database with two cases, and the facts the tests check against."""

    url: str
    path: Path
    acme_entries: int
    acme_confidential_entries: int
    globex_entries: int


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)
