"""Slack delivers events at least once; the playbook handles each ``event_id`` once.

The record lives in the shared database, not in memory, because Slack may deliver a
retry to another instance of the bot.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from storage.engine import Database
from storage.models import ProcessedEvent


def first_delivery(db: Database, *, event_id: str, team_id: str | None) -> bool:
    """Record ``event_id``; False when it was already recorded (a retry or a replay)."""
    try:
        with db.transaction() as session:
            session.add(ProcessedEvent(event_id=event_id[:64], team_id=team_id))
    except IntegrityError:
        return False
    return True
