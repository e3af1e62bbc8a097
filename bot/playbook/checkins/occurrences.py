"""The scheduler's side: which check-ins are due, and who posts each of them, exactly once.

Each due time is an occurrence row, inserted before anything is posted. The unique
``(schedule_id, due_at)`` constraint makes that insert the claim: whichever process
inserts first posts, every other one gets an ``IntegrityError`` and leaves it alone.
A post that finds Slack unavailable gives its claim back (``retry``); a later run within
the schedule's grace period claims it again by a conditional update that only one run
can win, and past the grace period it is ``missed`` and its owner told, once. A claim is
a lease: a process that died holding one (killed mid fan-out) leaves it ``claimed``, and
once ``LEASE`` has passed a later run takes it over the same way. The holder renews its
lease just before posting, by the same kind of update, so of a slow process and the one
taking over, only one posts; and whoever takes an occurrence over looks for its post
first, since the process before may have posted it without recording so.
``checked_until`` is each schedule's cursor: everything due up to it has been claimed,
skipped or found already taken, and it only ever moves forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.playbook.checkins.manage import rule_of
from bot.playbook.schedules import MAX_WALK, as_utc, due_times, next_due
from bot.playbook.timeline import Kind, record
from storage.models import Case, CheckinOccurrence, CheckinSchedule, OccurrenceStatus

#: A check-in posted this long after its due time says it is late.
LATE_AFTER = timedelta(minutes=5)
#: How long a claim to post a check-in holds: a claim older than this, never posted, is
#: taken over by a later run. Far longer than one post takes (Slack's answer, a few
#: retries, a look for the post), and far shorter than the grace period (an hour).
LEASE = timedelta(minutes=5)


def walkable(*, session: Session) -> list[int]:
    """Ids of the schedules the scheduler looks at: every one not paused."""
    return list(
        session.scalars(
            select(CheckinSchedule.id)
            .where(CheckinSchedule.paused.is_(False))
            .order_by(CheckinSchedule.id)
        )
    )


def next_due_at(*, session: Session, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which a running schedule of an open case has
    a check-in due, or None: lets a clock that jumps ahead (the sandbox's ``wait``) stop at
    each check-in instead of catching them all up at once."""
    schedules = session.scalars(
        select(CheckinSchedule)
        .join(Case, Case.id == CheckinSchedule.case_id)
        .where(CheckinSchedule.paused.is_(False), Case.closed_at.is_(None))
    )
    found = [due for s in schedules if (due := next_due(rule_of(s), after)) is not None]
    return min(found, default=None)


@dataclass(frozen=True)
class DueTime:
    """One due time found by a walk: post it (``late`` or on time), or record it ``missed``."""

    at: datetime
    missed: bool = False
    late: bool = False


@dataclass(frozen=True)
class Walk:
    """What a schedule has due between its cursor and now, and where the cursor goes next."""

    schedule_id: int
    channel_id: str
    due: list[DueTime]
    until: datetime


def walk(*, session: Session, schedule_id: int, now: datetime) -> Walk | None:
    """Due times in ``(checked_until, now]``; None for a paused or vanished schedule.

    Those older than the grace period are ``missed`` (the bot, or Slack, could not be
    reached in time): recorded as missed, not posted, and the owner told once. A closed
    case's schedules post nothing; their cursor moves on.
    """
    schedule = session.get(CheckinSchedule, schedule_id)
    if schedule is None or schedule.paused:
        return None
    moment = as_utc(now)
    if schedule.case.closed_at is not None:
        return Walk(schedule_id, schedule.channel_id, [], moment)
    times = due_times(rule_of(schedule), as_utc(schedule.checked_until), moment)
    grace = timedelta(minutes=max(schedule.grace_minutes, 0))
    due = [DueTime(at=t, missed=moment - t >= grace, late=moment - t >= LATE_AFTER) for t in times]
    until = times[-1] if len(times) >= MAX_WALK else moment
    return Walk(schedule_id, schedule.channel_id, due, until)


def claim(*, session: Session, schedule_id: int, due: DueTime, now: datetime) -> int:
    """Insert the occurrence (claimed to post, or missed); the unique key refuses a second.

    The caller runs this in its own transaction and treats ``IntegrityError`` as "another
    run has it".
    """
    occurrence = CheckinOccurrence(
        schedule_id=schedule_id,
        due_at=as_utc(due.at),
        status=OccurrenceStatus.MISSED if due.missed else OccurrenceStatus.CLAIMED,
        late=due.late and not due.missed,
        claimed_at=as_utc(now),
        error="missed: the bot could not post it before its grace period ran out"
        if due.missed
        else None,
    )
    session.add(occurrence)
    session.flush()
    return occurrence.id


def advance(*, session: Session, schedule_id: int, until: datetime) -> None:
    """Move the cursor forward to ``until``; never back (a late or slow run changes nothing)."""
    moment = as_utc(until)
    session.execute(
        update(CheckinSchedule)
        .where(CheckinSchedule.id == schedule_id, CheckinSchedule.checked_until < moment)
        .values(checked_until=moment)
    )


def mark_posted(
    *, session: Session, occurrence_id: int, channel: str, ts: str, now: datetime
) -> None:
    """Remember where the check-in was posted; it goes on the case's timeline, once."""
    occurrence = session.get_one(CheckinOccurrence, occurrence_id)
    if occurrence.status is OccurrenceStatus.POSTED:
        return
    occurrence.status = OccurrenceStatus.POSTED
    occurrence.posted_at = as_utc(now)
    occurrence.slack_channel, occurrence.slack_ts = channel, ts
    schedule = occurrence.schedule
    late = " (late)" if occurrence.late else ""
    record(
        session=session,
        case=schedule.case,
        kind=Kind.CHECKIN_POSTED,
        author=None,
        text=f"Check-in #{schedule.id} posted{late}",
        channel=channel,
        ts=ts,
    )


def mark_failed(*, session: Session, occurrence_id: int, error: str) -> None:
    """Slack refused the post; the occurrence stays claimed by this failure, not retried."""
    _moved(session, occurrence_id, OccurrenceStatus.FAILED, error=error[:200])


def release(*, session: Session, occurrence_id: int, error: str) -> None:
    """Slack was unavailable: give the claim back, for a later run to post it in time."""
    _moved(
        session, occurrence_id, OccurrenceStatus.RETRY, error=f"waiting for Slack: {error}"[:200]
    )


@dataclass(frozen=True)
class Waiting:
    """An occurrence to take over: released after a Slack outage, or claimed by a run that
    held it past its lease. ``held`` is its claim's time, which the take-over must find
    unchanged; once ``expired`` it is not posted any more."""

    occurrence_id: int
    schedule_id: int
    channel_id: str
    held: datetime
    expired: bool


def waiting(*, session: Session, now: datetime) -> list[Waiting]:
    """Occurrences to take over, oldest first: released ones, and claims older than the
    lease. One is ``expired`` once its grace period ran out, or when its schedule was
    paused or its case closed meanwhile (nothing to post)."""
    moment = as_utc(now)
    rows = session.execute(
        select(CheckinOccurrence, CheckinSchedule, Case.closed_at)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .join(Case, Case.id == CheckinSchedule.case_id)
        .where(
            (CheckinOccurrence.status == OccurrenceStatus.RETRY)
            | (
                (CheckinOccurrence.status == OccurrenceStatus.CLAIMED)
                & (CheckinOccurrence.claimed_at <= moment - LEASE)
            )
        )
        .order_by(CheckinOccurrence.due_at, CheckinOccurrence.id)
    ).all()
    found = []
    for occurrence, schedule, closed_at in rows:
        grace = timedelta(minutes=max(schedule.grace_minutes, 0))
        expired = (
            schedule.paused or closed_at is not None or moment - as_utc(occurrence.due_at) >= grace
        )
        found.append(
            Waiting(
                occurrence.id,
                schedule.id,
                schedule.channel_id,
                as_utc(occurrence.claimed_at),
                expired,
            )
        )
    return found


def take_over(*, session: Session, item: Waiting, now: datetime) -> bool:
    """Claim ``item`` for this run, from ``now`` on; False when another run took it first.

    The conditional update is the claim: it changes the row only if its claim is still
    the one ``waiting`` saw, so of two runs only one sees its row change.
    """
    occurrence = session.get_one(CheckinOccurrence, item.occurrence_id)
    late = as_utc(now) - as_utc(occurrence.due_at) >= LATE_AFTER
    changed = session.execute(
        update(CheckinOccurrence)
        .where(
            CheckinOccurrence.id == item.occurrence_id,
            CheckinOccurrence.status.in_([OccurrenceStatus.RETRY, OccurrenceStatus.CLAIMED]),
            CheckinOccurrence.claimed_at == as_utc(item.held),
        )
        .values(status=OccurrenceStatus.CLAIMED, claimed_at=as_utc(now), late=late)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def renew(*, session: Session, occurrence_id: int, held: datetime, now: datetime) -> bool:
    """Renew this run's claim just before posting; False when another run took it over
    (this run held it past its lease), and this run must not post it."""
    changed = session.execute(
        update(CheckinOccurrence)
        .where(
            CheckinOccurrence.id == occurrence_id,
            CheckinOccurrence.status == OccurrenceStatus.CLAIMED,
            CheckinOccurrence.claimed_at == as_utc(held),
        )
        .values(claimed_at=as_utc(now))
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def give_up(*, session: Session, occurrence_id: int) -> bool:
    """Record a taken-over occurrence whose post is not there as missed (its owner is to
    be told); False when it is no longer this run's claim."""
    return _moved(
        session,
        occurrence_id,
        OccurrenceStatus.MISSED,
        error="missed: Slack was unavailable until the grace period ran out",
    )


def _moved(session: Session, occurrence_id: int, to: OccurrenceStatus, **values: object) -> bool:
    """Move a claimed occurrence on, if it still is claimed; True when this call did."""
    changed = session.execute(
        update(CheckinOccurrence)
        .where(
            CheckinOccurrence.id == occurrence_id,
            CheckinOccurrence.status == OccurrenceStatus.CLAIMED,
        )
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1
