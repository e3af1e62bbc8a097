"""Remind owners of their commitments, and flag overdue ones to them and the leads.

What is due is read in one transaction (``bot.playbook.commitment_reminders``); each
reminder is then claimed and committed before its DM is sent, so a second process or a
repeated tick never sends it again. An overdue flag also goes on the timeline and moves
the case's health, in its claim's transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks import commitments as render
from bot.flows.commitments import CommitmentView, view
from bot.jobs.nudges import default_timezone_setting
from bot.playbook import access, health
from bot.playbook import commitment_reminders as reminders
from bot.playbook import commitments as playbook
from bot.playbook.commitment_reminders import DueReminder, Reminder
from bot.playbook.timeline import Kind, record
from bot.slack.messages import direct_message
from storage.engine import Database
from storage.models import Commitment

logger = logging.getLogger("grievance_bot.jobs.commitments")


def run(db: Database, client: WebClient, now: datetime) -> int:
    """Give every reminder and overdue flag due at ``now``; how many were given."""
    with db.transaction() as session:
        due = reminders.due_reminders(
            session=session, now=now, default_timezone=default_timezone_setting()
        )
    given = 0
    for reminder in due:
        try:
            given += _give(db, client, reminder, now)
        except Exception:  # one broken reminder must not stop the others; logged
            logger.exception(
                "commitment reminder failed", extra={"commitment_id": reminder.commitment_id}
            )
    return given


def next_due(db: Database, after: datetime) -> datetime | None:
    """When the next reminder or overdue flag falls due after ``after``."""
    with db.transaction() as session:
        return reminders.next_reminder_at(
            session=session, after=after, default_timezone=default_timezone_setting()
        )


def _give(db: Database, client: WebClient, reminder: DueReminder, now: datetime) -> int:
    """Claim, then DM; 0 when another run claimed it first."""
    with db.transaction() as session:
        commitment = session.get_one(Commitment, reminder.commitment_id)
        if reminder.kind is Reminder.OVERDUE:
            if not playbook.mark_overdue(session=session, commitment_id=commitment.id):
                return 0
            _note_overdue(session, commitment, now)
            leads = [
                lead.slack_user_id
                for lead in access.leads_of(session=session, case=commitment.case)
            ]
        else:
            on_the_day = reminder.kind is Reminder.DAY
            if not playbook.mark_reminded(
                session=session, commitment_id=commitment.id, on_the_day=on_the_day
            ):
                return 0
            leads = []
        shown = view(session, commitment, now)
    _send(client, shown, reminder.kind, leads)
    return 1


def _note_overdue(session: Session, commitment: Commitment, now: datetime) -> None:
    """The overdue flag on the timeline, and its weight on the case's health."""
    owner = commitment.owner.display_name if commitment.owner else "its owner"
    record(
        session=session,
        case=commitment.case,
        kind=Kind.COMMITMENT_OVERDUE,
        author=None,
        text=f"Commitment #{commitment.number} is overdue (due {commitment.due:%a %d %b}, {owner})",
        confidential=commitment.internal,
    )
    if not commitment.internal:
        health.rescore(session=session, case=commitment.case, now=now)


def _send(
    client: WebClient, shown: CommitmentView, kind: Reminder, leads: list[str | None]
) -> None:
    if kind is Reminder.OVERDUE:
        text = render.overdue_text(shown)
        for user in dict.fromkeys([shown.owner_user_id, *leads]):
            if user:
                direct_message(client, user, text, render.with_done_button(text, shown))
        return
    if shown.owner_user_id:
        text = render.reminder_text(shown, on_the_day=kind is Reminder.DAY)
        direct_message(client, shown.owner_user_id, text, render.with_done_button(text, shown))
