"""Cases and their leads.

A case is opened by the first grievance filed in a channel. Its leads manage it and see
its confidential items: the team-side person who opened it, plus anyone a lead adds. A
case opened by a client has no lead until a team member claims it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from storage.models import Case, CaseLead, Person, Side, Workspace

MAX_CLIENT_NAME = 80


def find_case(*, session: Session, workspace: Workspace, channel_id: str) -> Case | None:
    """The case bound to ``channel_id``, if any."""
    return session.scalar(
        select(Case).where(Case.workspace_id == workspace.id, Case.channel_id == channel_id)
    )


def open_case(
    *, session: Session, workspace: Workspace, channel_id: str, channel_name: str, opener: Person
) -> Case:
    """Open the channel's case, named after the channel until someone names the client."""
    case = Case(
        workspace_id=workspace.id,
        channel_id=channel_id,
        client_name=(channel_name or channel_id)[:MAX_CLIENT_NAME],
    )
    session.add(case)
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.CASE_OPENED,
        author=opener,
        text=f"Case opened in #{channel_name}",
        channel=channel_id,
    )
    if opener.side is Side.TEAM:
        _add_lead(session=session, case=case, person=opener, added_by=opener)
    return case


def leads_of(*, session: Session, case: Case) -> list[Person]:
    """The case's leads, in the order they became leads."""
    return list(
        session.scalars(
            select(Person)
            .join(CaseLead, CaseLead.person_id == Person.id)
            .where(CaseLead.case_id == case.id)
            .order_by(CaseLead.id)
        )
    )


def is_lead(*, session: Session, case: Case, person: Person) -> bool:
    """True when ``person`` leads ``case``."""
    return (
        session.scalar(
            select(CaseLead.id).where(CaseLead.case_id == case.id, CaseLead.person_id == person.id)
        )
        is not None
    )


def _add_lead(*, session: Session, case: Case, person: Person, added_by: Person) -> None:
    session.add(CaseLead(case_id=case.id, person_id=person.id, added_by_id=added_by.id))
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.LEAD_ADDED,
        author=added_by,
        text=f"{person.display_name} leads the case",
    )


def add_lead(*, session: Session, case: Case, actor: Person, person: Person) -> bool:
    """A lead makes ``person`` a lead too; False when they already were one."""
    if not is_lead(session=session, case=case, person=actor):
        raise PlaybookError(
            "Only a lead of this case can add leads. Ask one of them, or see `/grievance help`."
        )
    if person.side is Side.CLIENT:
        raise PlaybookError(
            f"{person.display_name} is on the client side; leads come from the delivery team."
        )
    if is_lead(session=session, case=case, person=person):
        return False
    _add_lead(session=session, case=case, person=person, added_by=actor)
    return True


def claim_lead(*, session: Session, case: Case, actor: Person) -> bool:
    """A team member takes the lead of a case nobody leads; False if already a lead."""
    if actor.side is Side.CLIENT:
        raise PlaybookError(
            "Leads come from the delivery team, so you can't claim this case. "
            "Your grievances are heard all the same."
        )
    if is_lead(session=session, case=case, person=actor):
        return False
    if leads_of(session=session, case=case):
        raise PlaybookError(
            "This case already has a lead; ask them to add you with `/grievance lead @you`."
        )
    _add_lead(session=session, case=case, person=actor, added_by=actor)
    return True


def may_rename(*, session: Session, case: Case, person: Person) -> bool:
    """Anyone on the team side may name the client, since the channel name is a guess."""
    return person.side is Side.TEAM or is_lead(session=session, case=case, person=person)


def rename_case(*, session: Session, case: Case, actor: Person, name: str) -> None:
    """Name the client of ``case``."""
    cleaned = " ".join(name.split())[:MAX_CLIENT_NAME]
    if not cleaned:
        raise PlaybookError("Give the client's name, e.g. `/grievance case rename Acme Corp`.")
    if not may_rename(session=session, case=case, person=actor):
        raise PlaybookError("Only the delivery team can rename the case.")
    old = case.client_name
    case.client_name = cleaned
    case.named = True
    record(
        session=session,
        case=case,
        kind=Kind.CASE_RENAMED,
        author=actor,
        text=f"Case renamed from {old} to {cleaned}",
    )
