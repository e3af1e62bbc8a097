"""The weekly job's side of the digest: which digests are due, and claiming each one once.

Each ``(case, due_at)`` is claimed as a ``DigestRun`` row (unique) before posting, so a
digest goes out once however many instances tick; how it ended and where it was posted
are recorded here too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.playbook.digest.schedule import as_utc, due_at_or_before, next_due_after, schedule_of
from bot.playbook.timeline import Kind, record
from storage.models import Case, DigestRun, OccurrenceStatus, Person, Stage, TimelineEntry

#: A digest missed by more than this (the bot was down) is skipped, not posted late.
GRACE = timedelta(hours=12)


def _schedule_changed_at(session: Session, case_id: int) -> datetime | None:
    changed = session.scalar(
        select(func.max(TimelineEntry.created_at)).where(
            TimelineEntry.case_id == case_id, TimelineEntry.kind == Kind.DIGEST_SCHEDULED.value
        )
    )
    return as_utc(changed) if changed else None


def due_digests(*, session: Session, now: datetime) -> list[tuple[int, datetime]]:
    """``(case id, due_at)`` of every digest due at ``now`` and not claimed yet.

    A digest is due from its instant until ``GRACE`` after; never for a due instant
    before the case opened or before its schedule last changed (moving the digest to a
    time just past must not post one at once). Closed (recovered) cases get none.
    """
    open_cases = session.scalars(
        select(Case).where(Case.stage != Stage.RECOVERED, Case.closed_at.is_(None))
    )
    due: list[tuple[int, datetime]] = []
    for case in open_cases:
        due_at = due_at_or_before(schedule_of(case), now)
        if as_utc(now) - due_at > GRACE:
            continue
        since = [as_utc(case.created_at)]
        changed = _schedule_changed_at(session, case.id)
        if changed is not None:
            since.append(changed)
        if due_at < max(since):
            continue
        claimed = session.scalar(
            select(exists().where(DigestRun.case_id == case.id, DigestRun.due_at == due_at))
        )
        if not claimed:
            due.append((case.id, due_at))
    return due


def next_due_at(*, session: Session, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which an open case's weekly digest is due."""
    open_cases = session.scalars(
        select(Case).where(Case.stage != Stage.RECOVERED, Case.closed_at.is_(None))
    )
    return min((next_due_after(schedule_of(case), after) for case in open_cases), default=None)


def claim_run(*, session: Session, case_id: int, due_at: datetime) -> bool:
    """Take one due digest; False when another run (thread, process) took it first.

    The unique ``(case_id, due_at)`` row is the claim: of two inserts, one fails.
    """
    try:
        with session.begin_nested():
            session.add(DigestRun(case_id=case_id, due_at=due_at, status=OccurrenceStatus.CLAIMED))
    except IntegrityError:
        return False
    return True


def finish_run(
    *, session: Session, case_id: int, due_at: datetime, posted: bool, now: datetime
) -> None:
    """Record how a claimed digest ended: posted, or failed (not retried)."""
    run = session.scalars(
        select(DigestRun).where(DigestRun.case_id == case_id, DigestRun.due_at == due_at)
    ).one()
    run.status = OccurrenceStatus.POSTED if posted else OccurrenceStatus.FAILED
    run.posted_at = now if posted else None


def note_posted(
    *, session: Session, case: Case, channel: str, ts: str, scheduled: bool, author: Person | None
) -> None:
    """Leave the digest on the timeline, with a link to its message."""
    record(
        session=session,
        case=case,
        kind=Kind.DIGEST_POSTED,
        author=author,
        text="Weekly digest posted" if scheduled else "Digest posted on request",
        channel=channel,
        ts=ts,
    )
