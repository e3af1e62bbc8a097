"""``/grievance`` text that read two ways: the reading a button of the question picked."""

from __future__ import annotations

from bot.playbook import readings
from bot.playbook.readings import Choice
from storage.engine import Database


def picked_reading(db: Database, *, value: str, user_id: str) -> tuple[Choice, str]:
    """The choice a button carries and the words it is about; ``PlaybookError`` when the
    words are gone or were typed by someone else. Held words are read in a transaction of
    their own, before the subcommand runs (it may open its own)."""
    with db.transaction() as session:
        return readings.take(session=session, value=value, user_id=user_id)
