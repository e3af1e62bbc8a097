"""Holding ``/grievance`` words that read two ways until the typist says which they meant.

The button value is the words themselves, or (too long for a value) a key to words held
in the database: one transaction, so the held words exist before the question is shown.
"""

from __future__ import annotations

from datetime import datetime

from bot.playbook import readings
from storage.engine import Database


def offer(
    db: Database, *, user_id: str, text: str, run: str | None, with_words: bool, now: datetime
) -> str:
    """The button value that brings ``text`` back when the typist presses a choice."""
    with db.transaction() as session:
        return readings.offer(
            session=session,
            user_id=user_id,
            text=text,
            run=run,
            with_words=with_words,
            now=now,
        )
