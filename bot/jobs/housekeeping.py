"""Prune the records that only matter for a while: Slack deliveries that may still be
retried or replayed, and words held while their typist picks a reading."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.playbook import readings
from bot.playbook.deliveries import prune
from storage.engine import Database


def run(db: Database, _client: WebClient, now: datetime) -> int:
    """Delete old event ids, request signatures and held words; returns how many went."""
    with db.transaction() as session:
        held = readings.prune(session=session, now=now)
    return prune(db, now=now) + held
