"""Which side someone speaks for, and a lead's explicit correction when Slack got it wrong.

A side is settled from Slack when the bot first meets someone (``bot.slack.identity``), and no
role ever moves a person across (``stakeholders.wrong_side``): a client made "team lead"
would read what the team keeps confidential. Profiles can still be wrong (a contractor
with a full account who speaks for the client, a colleague on a guest account), so a lead
corrects a side on purpose, and the timeline says who did it and from what to what.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, leads_of, require
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile, refresh
from bot.playbook.stakeholders import ROLE_LABELS, SIDE_LABELS, members, wrong_side
from bot.playbook.timeline import Kind, record
from storage.models import Case, CaseLead, CaseMember, Person, Role, Side

OWN_SIDE = "You can't correct your own side; ask another lead of this case."

#: The role someone keeps when their side is corrected and their old role was the other side's.
PLAIN_ROLE = {Side.CLIENT: Role.CLIENT_MEMBER, Side.TEAM: Role.TEAM_MEMBER}


@dataclass(frozen=True)
class SideCorrection:
    """A lead's "this person is really on that side", as chosen in the people form."""

    user_id: str
    side: Side


@dataclass(frozen=True)
class OnSide:
    """One person as the people form lists them: name, side, and whether they lead."""

    name: str
    side: Side
    lead: bool


def correct_side(
    *, session: Session, case: Case, actor: Person, person: Person, side: Side
) -> bool:
    """A lead puts ``person`` on ``side``; False when they were on it already.

    What depended on the old side follows, on every case the person is part of, each
    recorded there: a role of the other side becomes the plain member role of the new
    one, and someone moved to the client side stops leading (leads come from the team).
    """
    require(session=session, case=case, person=actor, action=Action.MANAGE_PEOPLE)
    if person.id == actor.id:
        raise PlaybookError(OWN_SIDE)
    if person.side is side:
        return False
    old = person.side
    person.side = side
    record(
        session=session,
        case=case,
        kind=Kind.SIDE_CORRECTED,
        author=actor,
        text=f"{person.display_name}: from {SIDE_LABELS[old]} to {SIDE_LABELS[side]}",
    )
    _follow_side(session=session, actor=actor, person=person)
    session.flush()
    return True


def confirm_from_slack(*, session: Session, person: Person, profile: Profile) -> bool:
    """Settle someone first stored from a request alone with Slack's ``profile``: their
    name, time zone and names, and the team side if Slack says so (True when they moved).

    Only client to team: an unconfirmed person was put on the client side because nothing
    was known, so Slack's word moves them; the team side is never given on a guess. The
    roles they took by taking part follow (``stakeholders.follow_confirmed_side``).
    """
    if not profile.confirmed:  # Slack did not answer: nothing to settle yet
        return False
    refresh(person, profile)
    if person.side is not Side.CLIENT or profile.default_side is not Side.TEAM:
        return False
    person.side = Side.TEAM
    session.flush()
    return True


def _follow_side(*, session: Session, actor: Person, person: Person) -> None:
    """Bring the person's roles and leads in line with their corrected side."""
    for member in list(
        session.scalars(select(CaseMember).where(CaseMember.person_id == person.id))
    ):
        if member.role.side is person.side:
            continue
        old, member.role = member.role, PLAIN_ROLE[person.side]
        record(
            session=session,
            case=session.get_one(Case, member.case_id),
            kind=Kind.ROLE_CHANGED,
            author=actor,
            text=f"{person.display_name}: from {ROLE_LABELS[old]} to {ROLE_LABELS[member.role]}",
        )
    if person.side is Side.TEAM:
        return
    for lead in list(session.scalars(select(CaseLead).where(CaseLead.person_id == person.id))):
        session.delete(lead)
        record(
            session=session,
            case=session.get_one(Case, lead.case_id),
            kind=Kind.LEAD_REMOVED,
            author=actor,
            text=f"{person.display_name} no longer leads the case: they are on the client side",
        )


def form_refusals(
    *,
    known: Mapping[str, Person],
    chosen: Mapping[Role, Sequence[str]],
    correction: SideCorrection | None,
) -> dict[Role, str]:
    """For each role, why the first person already known to be on the other side can't
    take it, counting the correction made in the same form. People the bot has never met
    are checked by ``stakeholders.set_role`` once Slack has said who they are."""
    refusals: dict[Role, str] = {}
    for role, user_ids in chosen.items():
        for user_id in user_ids:
            person = known.get(user_id)
            if person is None:
                continue
            side = correction.side if correction and correction.user_id == user_id else person.side
            if refusal := wrong_side(name=person.display_name, side=side, role=role):
                refusals[role] = refusal
                break
    return refusals


def who_is_where(*, session: Session, case: Case) -> list[OnSide]:
    """The case's leads and stakeholders with their sides, leads first."""
    leads = leads_of(session=session, case=case)
    lead_ids = {p.id for p in leads}
    others = [m.person for m in members(session=session, case=case) if m.person_id not in lead_ids]
    return [OnSide(p.display_name, p.side, p.id in lead_ids) for p in [*leads, *others]]
