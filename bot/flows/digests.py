"""``/grievance digest``: moving the weekly digest, and who may post one now.

Each intent is one transaction; listeners get back plain values (the schedule as set,
or the case to post for), and the posting itself stays with ``bot.jobs.digests``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.flows.scope import case_and_actor
from bot.playbook import digest as playbook
from bot.playbook.digest import DigestSchedule
from bot.playbook.people import Profile
from storage.engine import Database


@dataclass(frozen=True)
class ScheduleSet:
    """The weekly digest's schedule as set, and whether that changed anything."""

    schedule: DigestSchedule
    changed: bool


@dataclass(frozen=True)
class DigestCase:
    """The case a digest is posted for, and the channel it goes to."""

    case_id: int
    channel_id: str


def set_schedule(
    db: Database, *, team_id: str, channel_id: str, caller: Profile, args: str
) -> ScheduleSet:
    """Move the channel's weekly digest to what ``args`` says, in the caller's timezone
    (or the schedule's) unless it names one."""
    with db.transaction() as session:
        found = case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        default = (
            playbook.zone_or_none(found.person.timezone)
            or playbook.schedule_of(found.case).timezone
        )
        schedule = playbook.parse_schedule(args, default_timezone=default)
        changed = playbook.set_schedule(
            session=session, case=found.case, actor=found.person, schedule=schedule
        )
        return ScheduleSet(schedule, changed)


def case_to_post(db: Database, *, team_id: str, channel_id: str, caller: Profile) -> DigestCase:
    """The channel's case, if the caller may post its digest now; else refuse."""
    with db.transaction() as session:
        found = case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        playbook.require_poster(session=session, case=found.case, person=found.person)
        return DigestCase(found.case.id, found.case.channel_id)
