"""``/grievance people``: a lead sets the case's stakeholders and corrects sides.

Opening the form, checking it and saving it each read or write in one transaction of
their own; the Slack look-ups around them (``handlers.people``) never hold one open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.flows import scope
from bot.flows.scope import NO_CASE
from bot.playbook import access, cases, people, sides, stakeholders
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from bot.playbook.sides import OnSide, SideCorrection
from bot.vocabulary import Role
from storage.engine import Database


@dataclass(frozen=True)
class PeopleNow:
    """What the form opens with: who is in each role, and everyone's side."""

    roles: dict[Role, list[str]]
    on_sides: list[OnSide]


def people_now(db: Database, *, team_id: str, channel_id: str, caller: Profile) -> PeopleNow:
    """The channel's case's stakeholders, for a caller who may manage them (else
    ``PlaybookError``)."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        access.require(
            session=session,
            case=found.case,
            person=found.person,
            action=access.Action.MANAGE_PEOPLE,
        )
        roles = {
            role: [p.slack_user_id for p in people_in_role if p.slack_user_id]
            for role, people_in_role in stakeholders.by_role(
                session=session, case=found.case
            ).items()
        }
        return PeopleNow(roles=roles, on_sides=sides.who_is_where(session=session, case=found.case))


def misplaced(
    db: Database,
    *,
    team_id: str,
    chosen: Mapping[Role, Sequence[str]],
    correction: SideCorrection | None,
) -> dict[Role, str]:
    """Roles the form puts someone in whom the bot already knows to be on the other side."""
    with db.transaction() as session:
        known = people.known_people(
            session=session, team_id=team_id, user_ids=[u for us in chosen.values() for u in us]
        )
        return sides.form_refusals(known=known, chosen=chosen, correction=correction)


@dataclass(frozen=True)
class Saved:
    """What saving the form did: how many changes, or why nothing was saved."""

    changed: int = 0
    refusal: str | None = None
    #: The case whose buy-in to recount (only when something changed).
    recount: int | None = None


def save(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    actor: Profile,
    profiles: Mapping[str, Profile],
    chosen: Mapping[Role, Sequence[str]],
    correction: SideCorrection | None,
) -> Saved:
    """Assign the chosen roles (bots left out) and correct a side, as ``actor``: all of it,
    or nothing when the playbook refuses."""
    with db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=team_id)
        case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
        person = people.ensure_person(session=session, workspace=workspace, profile=actor)
        roles = {
            role: [
                people.ensure_person(session=session, workspace=workspace, profile=profiles[uid])
                for uid in uids
                if not profiles[uid].is_bot
            ]
            for role, uids in chosen.items()
        }
        try:
            if case is None:
                raise PlaybookError(NO_CASE)
            changed = 0
            if correction is not None:
                changed += sides.correct_side(
                    session=session,
                    case=case,
                    actor=person,
                    person=people.ensure_person(
                        session=session,
                        workspace=workspace,
                        profile=profiles[correction.user_id],
                    ),
                    side=correction.side,
                )
            changed += stakeholders.assign_roles(
                session=session, case=case, actor=person, roles=roles
            )
            return Saved(changed=changed, recount=case.id if changed else None)
        except PlaybookError as refusal:
            session.rollback()
            return Saved(refusal=str(refusal))
