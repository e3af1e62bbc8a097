"""``/grievance people``: a lead sets the case's stakeholders and their roles."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.people import PeopleContext, people_modal
from bot.identity import Installation
from bot.ids import Callback
from bot.playbook import access, cases, people, stakeholders
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from handlers.context import NO_CASE, CommandCall
from handlers.deps import Deps
from handlers.lookup import profile_of
from handlers.messaging import tell
from handlers.refusals import answer_refusals
from handlers.view_state import answers_stale_forms, flatten, read_metadata
from storage.models import Role


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
    call.ack()
    context = PeopleContext(team_id=call.team_id, channel_id=call.where.channel_id)
    call.client.views_open(trigger_id=call.body["trigger_id"], view=people_modal(context, current))


def register(app: App, deps: Deps) -> None:
    """Listen for the stakeholders form."""

    @app.view(Callback.PEOPLE_MODAL)
    @answer_refusals
    @answers_stale_forms
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        """Check the form by ids alone, acknowledge, then look people up and save.

        Looking up sixty people one by one would not fit in Slack's 3 seconds; someone
        in two roles is caught before acknowledging, anything found later is said privately.
        """
        context = read_metadata(PeopleContext, view)
        values = flatten(view)
        chosen = {
            role: [u for u in values.get(role.value) or [] if isinstance(u, str)] for role in Role
        }
        twice = stakeholders.in_two_roles(chosen)
        if twice:
            ack(
                response_action="errors",
                errors={
                    role.value: f"<@{twice[role]}> is in two roles; keep them in one."
                    for role in twice
                },
            )
            return
        ack()
        lead_id = body["user"]["id"]
        home = deps.home(body)
        profiles = {
            uid: _profile(deps, client, home, uid) for uids in chosen.values() for uid in uids
        }
        bots = sorted(p.display_name for p in profiles.values() if p.is_bot)
        actor = _profile(deps, client, home, lead_id)
        with deps.db.transaction() as session:
            workspace = people.ensure_workspace(session=session, team_id=context.team_id)
            case = cases.find_case(
                session=session, workspace=workspace, channel_id=context.channel_id
            )
            person = people.ensure_person(session=session, workspace=workspace, profile=actor)
            roles = {
                role: [
                    people.ensure_person(
                        session=session, workspace=workspace, profile=profiles[uid]
                    )
                    for uid in uids
                    if not profiles[uid].is_bot
                ]
                for role, uids in chosen.items()
            }
            try:
                if case is None:
                    raise PlaybookError(NO_CASE)
                changed = stakeholders.assign_roles(
                    session=session, case=case, actor=person, roles=roles
                )
                report = f"Stakeholders saved ({changed} change{'s' if changed != 1 else ''})."
            except PlaybookError as refusal:
                session.rollback()
                report = str(refusal)
        if bots:
            report += f" Left out, as bots are not stakeholders: {', '.join(bots)}."
        tell(client, context.channel_id, lead_id, report)


def _profile(deps: Deps, client: WebClient, home: Installation, user_id: str) -> Profile:
    """A known person's stored profile, else Slack's (bots are only ever met here)."""
    with deps.db.transaction() as session:
        known = people.known_profile(session=session, team_id=home.key, user_id=user_id)
    return known or profile_of(client, user_id, home)
