"""Prune the delivery records that only matter while Slack may still retry or replay."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.playbook.deliveries import prune
from storage.engine import Database


def run(db: Database, _client: WebClient, now: datetime) -> int:
    """Delete old event ids and request signatures; returns how many went."""
    return prune(db, now=now)
