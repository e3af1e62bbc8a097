"""A case's stakeholders and their roles: client leadership and members, team leads and members.

Roles decide whose voice counts where: interviews are planned per side and role, buy-in
needs client leaders and team leads, and findings report how much of the client's
leadership has been heard. People who take part (file a grievance, answer an interview
or a check-in) join with a default from their Slack profile; a lead sets roles properly.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from bot.playbook.access import Action, is_lead, require
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from storage.models import Case, CaseMember, Person, Role, Side
from storage.rows import get_or_create

ROLE_LABELS = {
    Role.CLIENT_LEADER: "client leader",
    Role.CLIENT_MEMBER: "client member",
    Role.TEAM_LEAD: "team lead",
    Role.TEAM_MEMBER: "team member",
}

SIDE_LABELS = {Side.CLIENT: "the client side", Side.TEAM: "the delivery team"}

#: Where a lead corrects a side that Slack's profile got wrong (the only way sides change).
CORRECT_SIDE_HINT = (
    "If their side is wrong, a lead can correct it under “Correct someone's side” "
    "in `/grievance people`."
)


def wrong_side(*, name: str, side: Side, role: Role) -> str | None:
    """Why someone on ``side`` can't take ``role``, or None when the role is theirs.

    A role never moves anyone across sides: a client made "team lead" would read what
    the team keeps confidential. Sides change only when a lead corrects one explicitly.
    """
    if role.side is side:
        return None
    return f"{name} is on {SIDE_LABELS[side]}, so they can't be a {ROLE_LABELS[role]}. " + (
        CORRECT_SIDE_HINT
    )


def default_role(*, session: Session, case: Case, person: Person) -> Role:
    """Client member for the client side; team lead for a case lead; else team member."""
    if person.side is Side.CLIENT:
        return Role.CLIENT_MEMBER
    return (
        Role.TEAM_LEAD if is_lead(session=session, case=case, person=person) else (Role.TEAM_MEMBER)
    )


#: Built once: filing and health read these every time (see ``bot.playbook.people``).
_MEMBERSHIP = select(CaseMember).where(
    CaseMember.case_id == bindparam("case_id"), CaseMember.person_id == bindparam("person_id")
)
_MEMBERS = (
    select(CaseMember)
    .options(joinedload(CaseMember.person))
    .where(CaseMember.case_id == bindparam("case_id"))
    .order_by(CaseMember.id)
)


def membership(*, session: Session, case: Case, person: Person) -> CaseMember | None:
    """The person's membership of the case, if they are a stakeholder."""
    return session.scalar(_MEMBERSHIP, {"case_id": case.id, "person_id": person.id})


def ensure_member(*, session: Session, case: Case, person: Person) -> CaseMember:
    """Make ``person`` a stakeholder with a default role, unless they already are one.

    Joining by taking part is not a decision anyone made, so it is not on the timeline;
    a lead's role changes are.
    """
    member, _created = get_or_create(
        session,
        lambda: membership(session=session, case=case, person=person),
        lambda: CaseMember(
            case_id=case.id,
            person_id=person.id,
            role=default_role(session=session, case=case, person=person),
        ),
    )
    return member


def follow_confirmed_side(*, session: Session, person: Person) -> None:
    """Give the default role of their side to someone whose side Slack confirmed only
    after they took part (``sides.confirm_from_slack``): the role they joined with was
    the default for a side they were never on, not anyone's decision."""
    for member in session.scalars(select(CaseMember).where(CaseMember.person_id == person.id)):
        if member.role.side is not person.side:
            case = session.get_one(Case, member.case_id)
            member.role = default_role(session=session, case=case, person=person)


def set_role(*, session: Session, case: Case, actor: Person, person: Person, role: Role) -> bool:
    """A lead sets someone's role on their own side. False when nothing changed."""
    require(session=session, case=case, person=actor, action=Action.MANAGE_PEOPLE)
    if refusal := wrong_side(name=person.display_name, side=person.side, role=role):
        raise PlaybookError(refusal)
    member = membership(session=session, case=case, person=person)
    if member is not None and member.role is role:
        return False
    old = member.role if member else None
    if member is None:
        member = CaseMember(case_id=case.id, person_id=person.id, role=role)
        session.add(member)
    member.role = role
    session.flush()
    change = f"from {ROLE_LABELS[old]} " if old else ""
    record(
        session=session,
        case=case,
        kind=Kind.ROLE_CHANGED,
        author=actor,
        text=f"{person.display_name}: {change}to {ROLE_LABELS[role]}",
    )
    return True


def members(*, session: Session, case: Case) -> list[CaseMember]:
    """Every stakeholder of the case with their person, in the order they joined."""
    return list(session.scalars(_MEMBERS, {"case_id": case.id}))


def by_role(*, session: Session, case: Case) -> dict[Role, list[Person]]:
    """Stakeholders grouped by role (every role present, possibly empty)."""
    grouped: dict[Role, list[Person]] = {role: [] for role in Role}
    for member in members(session=session, case=case):
        grouped[member.role].append(member.person)
    return grouped


def in_two_roles(chosen: dict[Role, list[str]]) -> dict[Role, str]:
    """For each role, a Slack id also chosen for an earlier role (the form refuses it)."""
    seen: dict[str, Role] = {}
    clashes: dict[Role, str] = {}
    for role, user_ids in chosen.items():
        for user_id in user_ids:
            if user_id in seen and seen[user_id] is not role:
                clashes.setdefault(role, user_id)
            seen.setdefault(user_id, role)
    return clashes


def assign_roles(
    *, session: Session, case: Case, actor: Person, roles: dict[Role, list[Person]]
) -> int:
    """Set every stakeholder's role at once (the people form); returns how many changed.

    Someone in two roles is refused; someone no longer in any role stops being a
    stakeholder (their words stay in the history).
    """
    require(session=session, case=case, person=actor, action=Action.MANAGE_PEOPLE)
    seen: dict[int, Role] = {}
    for role, people in roles.items():
        for person in people:
            if person.id in seen and seen[person.id] is not role:
                raise PlaybookError(f"{person.display_name} is in two roles; keep them in one.")
            seen[person.id] = role
    changed = 0
    for member in members(session=session, case=case):
        if member.person_id not in seen:
            session.delete(member)
            record(
                session=session,
                case=case,
                kind=Kind.ROLE_CHANGED,
                author=actor,
                text=f"{member.person.display_name} is no longer a stakeholder",
            )
            changed += 1
    session.flush()
    for role, people in roles.items():
        for person in people:
            changed += set_role(session=session, case=case, actor=actor, person=person, role=role)
    return changed
