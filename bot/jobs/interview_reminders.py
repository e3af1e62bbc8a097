"""Remind, once, the people who have not answered their interview in time.

Each reminder is claimed in the database (a conditional UPDATE of ``reminded_at``)
and committed before the DM is sent, so two ticks, two processes or a restart never
remind anyone twice. The price is at most once: a DM that fails after its claim is
logged and not retried, which beats nagging someone every minute.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.interview import reminder_blocks, reminder_text
from bot.playbook import interviews
from bot.slack.messages import open_dm
from storage.engine import Database
from storage.models import Interview

logger = logging.getLogger("grievance_bot.jobs.interview_reminders")


def run(db: Database, client: WebClient, now: datetime) -> int:
    """Send every reminder due at ``now``; returns how many were sent."""
    with db.transaction() as session:
        due = interviews.due_reminders(session=session, now=now)
    sent = 0
    for interview_id in due:
        try:
            sent += _remind(db, client, interview_id, now)
        except SlackApiError as exc:
            logger.warning(
                "interview reminder not delivered",
                extra={"interview_id": interview_id, "error": exc.response.get("error")},
            )
        except Exception:  # one broken reminder must not stop the others; logged with traceback
            logger.exception("interview reminder failed", extra={"interview_id": interview_id})
    return sent


def next_due(db: Database, after: datetime) -> datetime | None:
    """When the next interview reminder falls due after ``after``."""
    with db.transaction() as session:
        return interviews.next_reminder_at(session=session, after=after)


def _remind(db: Database, client: WebClient, interview_id: int, now: datetime) -> int:
    """Claim, then DM; 0 when another run claimed this reminder first."""
    with db.transaction() as session:
        if not interviews.claim_reminder(session=session, interview_id=interview_id, now=now):
            return 0
        card = interviews.card(session=session, interview_id=interview_id)
        hours = session.get_one(Interview, interview_id).case.interview_reminder_hours
    if not card.user_id:
        logger.warning("interviewee has no Slack id", extra={"interview_id": interview_id})
        return 0
    channel = open_dm(client, card.user_id)
    posted = client.chat_postMessage(
        channel=channel, text=reminder_text(card), blocks=reminder_blocks(card, hours=hours)
    )
    with db.transaction() as session:
        interviews.remember_dm(
            session=session,
            interview_id=interview_id,
            channel=str(posted["channel"]),
            ts=str(posted["ts"]),
            keep_existing=True,
        )
        interviews.note_reminded(session=session, interview_id=interview_id)
    return 1
