"""Warn the leads before a grievance misses its response target, and tell them when it
has; a miss marks the grievance, goes on its timeline and shows on its message.

Each alert is claimed (``bot.playbook.target_alerts.claim``) and committed before the
DMs go out, so a second process or a repeated tick never says it twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import targets as render
from bot.blocks.grievance import grievance_fallback, grievance_message
from bot.flows.targets import AlertView, alert_view
from bot.playbook import target_alerts
from bot.slack.messages import direct_message
from storage.engine import Database

logger = logging.getLogger("grievance_bot.jobs.targets")


def run(db: Database, client: WebClient, now: datetime) -> int:
    """Say every warning and miss due at ``now``; how many were said."""
    with db.transaction() as session:
        due = target_alerts.due_alerts(session=session, now=now)
    said = 0
    for alert in due:
        try:
            with db.transaction() as session:
                if not target_alerts.claim(session=session, alert=alert):
                    continue
                shown = alert_view(session, alert, now)
            _tell(client, shown)
            said += 1
        except Exception:  # one broken alert must not stop the others; logged
            logger.exception(
                "response target alert failed", extra={"grievance": alert.grievance_id}
            )
    return said


def next_due(db: Database, after: datetime) -> datetime | None:
    """When the next warning or miss falls due after ``after``."""
    with db.transaction() as session:
        return target_alerts.next_alert_at(session=session, after=after)


def _tell(client: WebClient, shown: AlertView) -> None:
    text = render.alert_text(shown)
    for lead in shown.leads:
        direct_message(client, lead, text)
    if shown.missed and shown.message is not None:
        channel, ts = shown.message
        try:
            client.chat_update(
                channel=channel,
                ts=ts,
                text=grievance_fallback(shown.grievance),
                blocks=grievance_message(shown.grievance),
            )
        except SlackApiError as error:  # the mark is stored; the message just lags
            logger.warning("grievance message not marked", extra={"error": str(error)})
