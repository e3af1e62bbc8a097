"""``/grievance people``: a lead sets the case's stakeholders and their roles."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.people import PeopleContext, people_modal
from bot.deps import Deps
from bot.flows import stakeholders as flow
from bot.flows.people import caller_profile
from bot.ids import Callback, PeopleField
from bot.playbook import sides, stakeholders
from bot.slack.identity import Acting, Installation
from bot.slack.messages import tell
from bot.vocabulary import Role, Side
from handlers.context import CommandCall
from handlers.payloads import FormSubmission
from handlers.refusals import answer_refusals
from handlers.strategy import recheck_buyin
from handlers.view_state import answers_stale_forms, read_metadata


def people_command(call: CommandCall) -> None:
    """Open the stakeholders form for a lead of this channel's case."""
    now = flow.people_now(
        call.deps.db, team_id=call.team_id, channel_id=call.where.channel_id, caller=call.caller()
    )
    call.ack()
    context = PeopleContext(team_id=call.team_id, channel_id=call.where.channel_id)
    call.client.views_open(
        trigger_id=call.body["trigger_id"], view=people_modal(context, now.roles, now.on_sides)
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
    profiles = {uid: caller_profile(deps.db, client, uid, home) for uid in sorted(wanted)}
    bots = sorted(p.display_name for p in profiles.values() if p.is_bot)
    actor = caller_profile(deps.db, client, lead_id, home)
    saved = flow.save(
        deps.db,
        team_id=context.team_id,
        channel_id=context.channel_id,
        actor=actor,
        profiles=profiles,
        chosen=chosen,
        correction=correction,
    )
    changes = f"{saved.changed} change{'s' if saved.changed != 1 else ''}"
    report = f"Stakeholders saved ({changes})." if saved.refusal is None else saved.refusal
    if bots:
        report += f" Left out, as bots are not stakeholders: {', '.join(bots)}."
    tell(client, context.channel_id, lead_id, report)
    if saved.recount is not None:
        recheck_buyin(client, deps, saved.recount, actor=lead_id)


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
        name = caller_profile(deps.db, client, user_id, home).display_name
        errors[role.value] = f"{name} is in two roles; keep them in one."
    misplaced = flow.misplaced(deps.db, team_id=home.key, chosen=chosen, correction=correction)
    for role, refusal in misplaced.items():
        errors.setdefault(role.value, refusal)
    return errors
