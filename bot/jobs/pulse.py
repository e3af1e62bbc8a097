"""Send each case's client pulse when its cadence says so.

A round is claimed by inserting it (its number is unique within the case) and committed
before any DM goes out, so a second process or a repeated tick never asks twice; a DM
Slack refuses is logged and the others still go.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import pulse as render
from bot.playbook import pulse
from bot.playbook.pulse import Asked
from bot.slack.messages import open_dm
from storage.engine import Database
from storage.models import Case

logger = logging.getLogger("grievance_bot.jobs.pulse")


def run(db: Database, client: WebClient, now: datetime) -> int:
    """Send every round due at ``now``; how many people were asked."""
    with db.transaction() as session:
        due = [case_id for case_id, at in pulse.schedule(session=session) if at <= now]
    asked = 0
    for case_id in due:
        try:
            asked += _ask(db, client, case_id, now)
        except Exception:  # one broken case must not stop the others; logged with traceback
            logger.exception("client pulse failed", extra={"case_id": case_id})
    return asked


def next_due(db: Database, after: datetime) -> datetime | None:
    """When the next round falls due after ``after``."""
    with db.transaction() as session:
        return min((at for _, at in pulse.schedule(session=session) if at > after), default=None)


def _ask(db: Database, client: WebClient, case_id: int, now: datetime) -> int:
    with db.transaction() as session:
        asked = pulse.start_round(session=session, case=session.get_one(Case, case_id), now=now)
    if asked is None:
        return 0
    return send(db, client, asked)


def send(db: Database, client: WebClient, asked: Asked) -> int:
    """DM each person a round asks, and remember each DM; how many went out. One person
    Slack refuses (a deactivated account) is logged, and the others are still asked."""
    sent = 0
    for reply_id, user_id in asked.recipients:
        try:
            posted = client.chat_postMessage(
                channel=open_dm(client, user_id),
                text=render.request_text(asked.client_name),
                blocks=render.request(asked.client_name, reply_id),
            )
        except SlackApiError as exc:
            logger.warning(
                "pulse not delivered",
                extra={"reply_id": reply_id, "error": exc.response.get("error")},
            )
            continue
        with db.transaction() as session:
            pulse.remember_dm(
                session=session,
                reply_id=reply_id,
                channel=str(posted["channel"]),
                ts=str(posted["ts"]),
            )
        sent += 1
    return sent
