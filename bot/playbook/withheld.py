"""Confidential grievances kept from the leads they name, in every view of the case.

A confidential grievance that names a lead is not DMed to them (``bot.playbook
.confidential``), and that alone would be a half-truth: as a lead they could still read it
in the history, App Home, insights and their export. So the people it names are recorded
when it is filed, and every reader of confidential items filters them out here, even after
that person becomes the case's only lead (the escalation contact is the way around them).
A grievance made public later is posted in the channel for all to read, so it is kept from
nobody any more.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.orm import Session

from storage.models import Grievance, GrievanceWithheld, Person, TimelineEntry


def withhold(*, session: Session, grievance: Grievance, people: Iterable[Person]) -> None:
    """Keep ``grievance`` from each of ``people`` from now on."""
    for person in {p.id: p for p in people}.values():
        session.add(GrievanceWithheld(grievance_id=grievance.id, person_id=person.id))
    session.flush()


def kept_from(person: Person) -> Select[tuple[int]]:
    """The ids of the grievances kept from ``person`` (a subquery)."""
    return select(GrievanceWithheld.grievance_id).where(GrievanceWithheld.person_id == person.id)


def is_kept_from(*, session: Session, grievance: Grievance, person: Person | None) -> bool:
    """``grievance`` is confidential and names ``person``, so they must not read it."""
    if person is None or not grievance.confidential:
        return False
    found = session.get(GrievanceWithheld, (grievance.id, person.id))
    return found is not None


def grievances_shown(*, include_confidential: bool, reader: Person | None) -> ColumnElement[bool]:
    """Which grievances a reader sees: no confidential ones unless they may, and never one
    kept from them."""
    if not include_confidential:
        return Grievance.confidential.is_(False)
    if reader is None:
        return true()
    return or_(Grievance.confidential.is_(False), Grievance.id.not_in(kept_from(reader)))


def entries_shown(*, include_confidential: bool, reader: Person | None) -> ColumnElement[bool]:
    """Which timeline entries a reader sees, by the same rule as their grievances."""
    if not include_confidential:
        return TimelineEntry.confidential.is_(False)
    if reader is None:
        return true()
    return or_(
        TimelineEntry.confidential.is_(False),
        TimelineEntry.grievance_id.is_(None),
        TimelineEntry.grievance_id.not_in(kept_from(reader)),
    )
