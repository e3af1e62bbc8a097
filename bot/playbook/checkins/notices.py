"""Telling a schedule's owner, once, that it stopped or that a check-in was missed.

The owner is the lead who created the schedule. Each thing they are told is claimed by a
``Notice`` row, committed before the DM, so they hear it once however many runs (threads,
processes) hit the same archived channel or the same missed check-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.orm import Session

from bot.playbook.checkins.manage import PAUSED_NOTICE, cadence_of
from bot.playbook.schedules import as_utc, zone
from bot.playbook.timeline import Kind, record
from storage.models import CheckinOccurrence, CheckinSchedule, Notice, OccurrenceStatus, Person

#: Notice kind: the owner was told a check-in was missed while Slack was unavailable
#: (key: the occurrence id).
MISSED_NOTICE = "checkin_missed"
#: chat.postMessage errors that mean the channel can no longer take check-ins.
CHANNEL_PROBLEMS = {
    "is_archived": "the channel was archived",
    "not_in_channel": "I was removed from the channel",
    "channel_not_found": "I can no longer see the channel (it was deleted, or I was removed)",
}


@dataclass(frozen=True)
class MissedNotice:
    """Whom to tell that a check-in was never posted: Slack or the bot was unavailable."""

    schedule_id: int
    owner_user_id: str | None
    channel_id: str
    client_name: str
    due_at: datetime
    timezone: str

    @property
    def due_local(self) -> str:
        """When it was due on the schedule's clock, ``Mon 30 Nov 09:30``."""
        return as_utc(self.due_at).astimezone(zone(self.timezone)).strftime("%a %d %b %H:%M")


def untold_misses(*, session: Session) -> list[int]:
    """Missed occurrences whose owner has not been told yet, oldest first."""
    told = select(Notice.id).where(
        Notice.kind == MISSED_NOTICE, Notice.key == cast(CheckinOccurrence.id, String)
    )
    return list(
        session.scalars(
            select(CheckinOccurrence.id)
            .where(CheckinOccurrence.status == OccurrenceStatus.MISSED, ~told.exists())
            .order_by(CheckinOccurrence.id)
        )
    )


def claim_missed_notice(*, session: Session, occurrence_id: int) -> MissedNotice:
    """Insert the ``Notice`` that claims telling the owner; the caller commits it before
    the DM and treats ``IntegrityError`` as "another run is telling them"."""
    occurrence = session.get_one(CheckinOccurrence, occurrence_id)
    schedule = occurrence.schedule
    session.add(Notice(case_id=schedule.case_id, kind=MISSED_NOTICE, key=str(occurrence_id)))
    session.flush()
    return MissedNotice(
        schedule_id=schedule.id,
        owner_user_id=_owner_user_id(session, schedule),
        channel_id=schedule.channel_id,
        client_name=schedule.case.client_name,
        due_at=as_utc(occurrence.due_at),
        timezone=schedule.timezone,
    )


def unclaim_missed_notice(*, session: Session, occurrence_id: int) -> None:
    """The DM did not get through (Slack still unavailable): let a later run tell them."""
    session.execute(
        delete(Notice).where(Notice.kind == MISSED_NOTICE, Notice.key == str(occurrence_id))
    )


def _owner_user_id(session: Session, schedule: CheckinSchedule) -> str | None:
    """Who hears about a schedule: the lead who created it (None once they are gone)."""
    owner = session.get(Person, schedule.created_by_id) if schedule.created_by_id else None
    return owner.slack_user_id if owner else None


@dataclass(frozen=True)
class PausedNotice:
    """Whom to tell that their schedule stopped, and why."""

    schedule_id: int
    owner_user_id: str | None
    channel_id: str
    client_name: str
    cadence: str
    reason: str


def stop_for_channel(*, session: Session, schedule_id: int, error: str) -> PausedNotice | None:
    """Pause a schedule whose channel is gone; the notice to send, or None if already sent.

    The ``Notice`` row is the claim to tell the owner: inserted here, committed before the
    DM, so they hear it once however many runs hit the same archived channel.
    """
    schedule = session.get_one(CheckinSchedule, schedule_id)
    reason = CHANNEL_PROBLEMS.get(error, f"Slack refused the post ({error})")
    stopped = session.execute(
        update(CheckinSchedule)
        .where(CheckinSchedule.id == schedule_id, CheckinSchedule.paused.is_(False))
        .values(paused=True, paused_reason=reason[:200])
    ).rowcount
    if stopped:
        record(
            session=session,
            case=schedule.case,
            kind=Kind.CHECKIN_PAUSED,
            author=None,
            text=f"Check-in #{schedule_id} paused: {reason}",
        )
    told = session.scalar(
        select(Notice.id).where(
            Notice.case_id == schedule.case_id,
            Notice.kind == PAUSED_NOTICE,
            Notice.key == str(schedule_id),
        )
    )
    if told is not None:
        return None
    session.add(Notice(case_id=schedule.case_id, kind=PAUSED_NOTICE, key=str(schedule_id)))
    session.flush()
    return PausedNotice(
        schedule_id=schedule_id,
        owner_user_id=_owner_user_id(session, schedule),
        channel_id=schedule.channel_id,
        client_name=schedule.case.client_name,
        cadence=cadence_of(schedule),
        reason=reason,
    )
