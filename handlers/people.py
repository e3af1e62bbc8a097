"""``/grievance people``: a lead sets the case's stakeholders and their roles."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.people import PeopleContext, people_modal
from bot.deps import Deps
from bot.flows.scope import NO_CASE
from bot.ids import Callback, PeopleField
from bot.playbook import access, cases, people, sides, stakeholders
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from bot.slack.identity import Acting, Installation
from bot.slack.lookup import profile_of
from bot.slack.messages import tell
from bot.vocabulary import Role, Side
from handlers.context import CommandCall
from handlers.payloads import FormSubmission
from handlers.refusals import answer_refusals
from handlers.strategy import recheck_buyin
from handlers.view_state import answers_stale_forms, read_metadata


def people_command(call: CommandCall) -> None:
    """Open the stakeholders form for a lead of this channel's case."""
    caller = call.caller()
    with call.deps.db.transaction() as session:
        found = call.case_and_actor(session, caller)
        access.require(
            session=session,
            case=found.case,
            person=found.person,
            action=access.Action.MANAGE_PEOPLE,
        )
        current = {
            role: [p.slack_user_id for p in people_in_role if p.slack_user_id]
            for role, people_in_role in stakeholders.by_role(
                session=session, case=found.case
            ).items()
        }
        on_sides = sides.who_is_where(session=session, case=found.case)
    call.ack()
    context = PeopleContext(team_id=call.team_id, channel_id=call.where.channel_id)
    call.client.views_open(
        trigger_id=call.body["trigger_id"], view=people_modal(context, current, on_sides)
    )


@answer_refusals
@answers_stale_forms
def on_submit(
    ack: Ack,
    view: dict[str, Any],
    submission: FormSubmission,
    acting: Acting,
    deps: Deps,
    client: WebClient,
) -> None:
    """Check the form against what the bot already knows, acknowledge, then look the
    others up and save.

    Looking up sixty people one by one would not fit in Slack's 3 seconds: someone in
    two roles, a half-filled side correction and anyone already known to be on the
    other side of their role are caught before acknowledging, by name; anything found
    later is said privately.
    """
    context = read_metadata(PeopleContext, view)
    values = submission.values
    chosen = {
        role: [u for u in values.get(role.value) or [] if isinstance(u, str)] for role in Role
    }
    lead_id, home = acting.user_id, acting.home
    correction = _correction(values)
    errors = _form_errors(deps, client, home, lead_id, chosen, values, correction)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    wanted = {uid for uids in chosen.values() for uid in uids}
    if correction is not None:
        wanted.add(correction.user_id)
    profiles = {uid: _profile(deps, client, home, uid) for uid in sorted(wanted)}
    bots = sorted(p.display_name for p in profiles.values() if p.is_bot)
    actor = _profile(deps, client, home, lead_id)
    with deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=context.team_id)
        case = cases.find_case(session=session, workspace=workspace, channel_id=context.channel_id)
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
            report = f"Stakeholders saved ({changed} change{'s' if changed != 1 else ''})."
            recount = case.id if changed else None
        except PlaybookError as refusal:
            session.rollback()
            report, recount = str(refusal), None
    if bots:
        report += f" Left out, as bots are not stakeholders: {', '.join(bots)}."
    tell(client, context.channel_id, lead_id, report)
    if recount is not None:
        recheck_buyin(client, deps, recount, actor=lead_id)


def register(app: App) -> None:
    """Listen for the stakeholders form."""
    app.view(Callback.PEOPLE_MODAL)(on_submit)


def _correction(values: dict[str, object]) -> sides.SideCorrection | None:
    """The side correction, when both the person and the side were chosen."""
    user_id, side = values.get(PeopleField.SIDE_PERSON), values.get(PeopleField.SIDE)
    if not isinstance(user_id, str) or side not in set(Side):
        return None
    return sides.SideCorrection(user_id=user_id, side=Side(str(side)))


def _form_errors(
    deps: Deps,
    client: WebClient,
    home: Installation,
    lead_id: str,
    chosen: dict[Role, list[str]],
    values: dict[str, object],
    correction: sides.SideCorrection | None,
) -> dict[str, str]:
    """What the form can be refused for at once, on the field concerned, naming people."""
    errors: dict[str, str] = {}
    if values.get(PeopleField.SIDE_PERSON) and correction is None:
        errors[PeopleField.SIDE] = "Choose which side they are on."
    elif values.get(PeopleField.SIDE) and correction is None:
        errors[PeopleField.SIDE_PERSON] = "Choose whose side to correct."
    elif correction is not None and correction.user_id == lead_id:
        errors[PeopleField.SIDE_PERSON] = sides.OWN_SIDE
    twice = stakeholders.in_two_roles(chosen)
    for role, user_id in twice.items():
        name = _profile(deps, client, home, user_id).display_name
        errors[role.value] = f"{name} is in two roles; keep them in one."
    with deps.db.transaction() as session:
        known = people.known_people(
            session=session, team_id=home.key, user_ids=[u for us in chosen.values() for u in us]
        )
        misplaced = sides.form_refusals(known=known, chosen=chosen, correction=correction)
    for role, refusal in misplaced.items():
        errors.setdefault(role.value, refusal)
    return errors


def _profile(deps: Deps, client: WebClient, home: Installation, user_id: str) -> Profile:
    """A known person's stored profile, else Slack's (bots are only ever met here)."""
    with deps.db.transaction() as session:
        known = people.known_profile(session=session, team_id=home.key, user_id=user_id)
    return known or profile_of(client, user_id, home)
