"""Cases and their leads.

A case is opened by the first grievance filed in a channel. Its leads manage it and see
its confidential items: the team-side person who opened it, plus anyone a lead adds. A
case opened by a client has no lead until a team member claims it. Who may do what is
``bot.playbook.access``'s to say.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, allows, is_lead, leads_of, require
from bot.playbook.errors import PlaybookError
from bot.playbook.stakeholders import CORRECT_SIDE_HINT
from bot.playbook.timeline import Kind, record
from storage.models import Case, CaseLead, Person, Side, Workspace
from storage.rows import get_or_create, lock

MAX_CLIENT_NAME = 80


#: Built once: every filing looks its case up (see ``bot.playbook.people``).
_CASE = select(Case).where(
    Case.workspace_id == bindparam("workspace_id"), Case.channel_id == bindparam("channel_id")
)


def find_case(*, session: Session, workspace: Workspace, channel_id: str) -> Case | None:
    """The case bound to ``channel_id``, if any."""
    return session.scalar(_CASE, {"workspace_id": workspace.id, "channel_id": channel_id})


def find_or_open_case(
    *, session: Session, workspace: Workspace, channel_id: str, channel_name: str, opener: Person
) -> tuple[Case, bool]:
    """The channel's case, opening it (then True) when there is none yet.

    A new case is named after the channel until someone names the client; when two first
    grievances arrive at once, one opens the case and the other files on it.
    """
    case, opened = get_or_create(
        session,
        lambda: find_case(session=session, workspace=workspace, channel_id=channel_id),
        lambda: Case(
            workspace_id=workspace.id,
            channel_id=channel_id,
            client_name=(channel_name or channel_id)[:MAX_CLIENT_NAME],
        ),
    )
    if not opened:
        return case, False
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
    return case, True


def adopt_channel_name(*, case: Case, channel_name: str) -> None:
    """A case opened before its channel's real name was known (slash commands call every
    private channel "privategroup") is called after it, unless the client was named."""
    if not case.named and channel_name:
        case.client_name = channel_name[:MAX_CLIENT_NAME]


def lead_confirmed_opener(*, session: Session, case: Case, opener: Person) -> bool:
    """The opener of a case without a lead leads it once Slack confirms they are on the
    team side (they opened it before their profile arrived), as a team-side opener does
    from the start; True when they now lead it."""
    if opener.side is not Side.TEAM:
        return False
    if session.scalar(select(CaseLead.id).where(CaseLead.case_id == case.id).limit(1)):
        return False
    _add_lead(session=session, case=case, person=opener, added_by=opener)
    return True


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
    require(session=session, case=case, person=actor, action=Action.ADD_LEAD)
    lock(session, case)  # two leads adding the same person at once: one adds, one is told
    if person.side is Side.CLIENT:
        raise PlaybookError(
            f"{person.display_name} is on the client side, and leads come from the delivery "
            f"team. {CORRECT_SIDE_HINT}"
        )
    if is_lead(session=session, case=case, person=person):
        return False
    _add_lead(session=session, case=case, person=person, added_by=actor)
    return True


def claim_lead(*, session: Session, case: Case, actor: Person) -> bool:
    """A team member takes the lead of a case nobody leads; False if already a lead."""
    require(session=session, case=case, person=actor, action=Action.CLAIM_LEAD)
    lock(session, case)  # two claims at once on PostgreSQL: the second sees the first lead
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
    return allows(session=session, case=case, person=person, action=Action.RENAME_CASE)


def rename_case(*, session: Session, case: Case, actor: Person, name: str) -> None:
    """Name the client of ``case``."""
    require(session=session, case=case, person=actor, action=Action.RENAME_CASE)
    cleaned = " ".join(name.split())[:MAX_CLIENT_NAME]
    if not cleaned:
        raise PlaybookError("Give the client's name, e.g. `/grievance case rename Acme Corp`.")
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
