"""Read the case history: timeline pages, one grievance with its thread, a person's cases.

Pages use keyset pagination on the timeline's primary key (``ix_timeline_entry_case_id_id``)
so a page costs the same on a case with ten entries or a hundred thousand. Confidential
entries are left out unless the viewer leads the case, and those of a grievance that names
the viewer are left out for them always (``bot.playbook.withheld``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot.playbook.access import Action, allows, refusal
from bot.playbook.errors import PlaybookError
from bot.playbook.withheld import entries_shown, grievances_shown, is_kept_from
from storage.models import (
    Case,
    CaseLead,
    CaseMember,
    Commitment,
    Grievance,
    Person,
    Status,
    TimelineEntry,
)

PAGE_SIZE = 10
OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED, Status.ADDRESSING)


@dataclass(frozen=True)
class Page:
    """Entries newest first, and the cursors to the pages either side (None at the ends)."""

    entries: list[TimelineEntry]
    older: int | None
    newer: int | None


def timeline_page(
    *,
    session: Session,
    case: Case,
    include_confidential: bool,
    reader: Person | None = None,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of the case timeline; ``before``/``after`` are entry ids from a cursor."""
    query = (
        select(TimelineEntry)
        .options(joinedload(TimelineEntry.author))
        .where(
            TimelineEntry.case_id == case.id,
            entries_shown(include_confidential=include_confidential, reader=reader),
        )
    )
    if after is not None:
        rows = list(
            session.scalars(
                query.where(TimelineEntry.id > after)
                .order_by(TimelineEntry.id.asc())
                .limit(size + 1)
            )
        )
        has_newer = len(rows) > size
        entries = list(reversed(rows[:size]))
        has_older = True
    else:
        if before is not None:
            query = query.where(TimelineEntry.id < before)
        rows = list(session.scalars(query.order_by(TimelineEntry.id.desc()).limit(size + 1)))
        has_older = len(rows) > size
        entries = rows[:size]
        has_newer = before is not None
    if not entries:
        return Page(entries=[], older=None, newer=None)
    return Page(
        entries=entries,
        older=entries[-1].id if has_older else None,
        newer=entries[0].id if has_newer else None,
    )


def thread_of(*, session: Session, grievance: Grievance) -> list[TimelineEntry]:
    """Every timeline entry about ``grievance``, oldest first (its whole discussion)."""
    return list(
        session.scalars(
            select(TimelineEntry)
            .options(joinedload(TimelineEntry.author))
            .where(TimelineEntry.grievance_id == grievance.id)
            .order_by(TimelineEntry.id)
        )
    )


def require_reader(*, session: Session, case: Case, viewer: Person | None) -> None:
    """Refuse anyone the policy does not let read the case's shared history.

    Every reader of the history (timeline, threads, insights, App Home, status, coverage,
    buy-in, check-in list) asks here or in ``include_confidential_for``. Someone the bot
    has never met reads as the client side.
    """
    if not allows(session=session, case=case, person=viewer, action=Action.VIEW_HISTORY):
        raise PlaybookError(refusal(session=session, case=case, action=Action.VIEW_HISTORY))


def include_confidential_for(*, session: Session, case: Case, viewer: Person | None) -> bool:
    """Check ``viewer`` may read the history; True when it includes confidential items
    (and the other lead-only notes: names of silent leaders, who asked for anonymity)."""
    require_reader(session=session, case=case, viewer=viewer)
    return allows(session=session, case=case, person=viewer, action=Action.VIEW_CONFIDENTIAL)


def may_see(*, session: Session, grievance: Grievance, viewer: Person | None) -> bool:
    """Confidential grievances are for the case's leads only, less any lead they name."""
    if not grievance.confidential:
        return True
    return allows(
        session=session, case=grievance.case, person=viewer, action=Action.VIEW_CONFIDENTIAL
    ) and not is_kept_from(session=session, grievance=grievance, person=viewer)


def open_grievances(
    *,
    session: Session,
    case: Case,
    include_confidential: bool,
    reader: Person | None = None,
    limit: int = 50,
) -> list[Grievance]:
    """Open grievances, most severe first, then oldest first."""
    query = select(Grievance).where(
        Grievance.case_id == case.id,
        Grievance.status.in_(OPEN_STATUSES),
        grievances_shown(include_confidential=include_confidential, reader=reader),
    )
    return list(
        session.scalars(query.order_by(Grievance.severity.desc(), Grievance.number).limit(limit))
    )


def severity_counts(
    *, session: Session, case: Case, include_confidential: bool, reader: Person | None = None
) -> dict[int, int]:
    """How many open grievances there are at each severity."""
    query = select(Grievance.severity, func.count()).where(
        Grievance.case_id == case.id,
        Grievance.status.in_(OPEN_STATUSES),
        grievances_shown(include_confidential=include_confidential, reader=reader),
    )
    return dict(session.execute(query.group_by(Grievance.severity)).tuples().all())


def cases_for(*, session: Session, person: Person, limit: int = 5) -> list[Case]:
    """The cases a person leads, has taken part in, is a stakeholder of or owes a
    commitment on, most recently active first."""
    led = select(CaseLead.case_id).where(CaseLead.person_id == person.id)
    took_part = select(TimelineEntry.case_id).where(TimelineEntry.author_id == person.id)
    raised = select(Grievance.case_id).where(
        or_(Grievance.raised_by_id == person.id, Grievance.reporter_id == person.id)
    )
    member = select(CaseMember.case_id).where(CaseMember.person_id == person.id)
    owes = select(Commitment.case_id).where(Commitment.owner_id == person.id)
    query = (
        select(Case)
        .where(
            or_(
                Case.id.in_(led),
                Case.id.in_(took_part),
                Case.id.in_(raised),
                Case.id.in_(member),
                Case.id.in_(owes),
            )
        )
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
