"""``/grievance lead`` and ``/grievance case rename``: who leads a case, and its name."""

from __future__ import annotations

from bot.blocks.text import plain_escape
from bot.playbook import cases, people
from bot.playbook.commands import split_mentions
from bot.playbook.errors import PlaybookError
from handlers.context import CommandCall
from handlers.lookup import profile_of

NO_CASE = (
    "There's no case in this channel yet. It opens with the first grievance: "
    "`/grievance <what happened>`."
)


def lead(call: CommandCall) -> None:
    """``lead me`` claims a case nobody leads; ``lead @someone`` is a lead adding a lead."""
    args = call.parsed.args.strip()
    mentioned = split_mentions(args)
    if args.lower() != "me" and not mentioned:
        call.ack(
            text="Use `/grievance lead me` to claim this case, or "
            "`/grievance lead @someone` to add a lead."
        )
        return
    actor_profile = profile_of(call.client, call.user_id, call.team_id)
    targets = [profile_of(call.client, uid, call.team_id) for uid in mentioned]
    with call.deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=call.team_id)
        case = cases.find_case(
            session=session, workspace=workspace, channel_id=call.where.channel_id
        )
        if case is None:
            raise PlaybookError(NO_CASE)
        actor = people.ensure_person(session=session, workspace=workspace, profile=actor_profile)
        if not targets:
            added = cases.claim_lead(session=session, case=case, actor=actor)
            message = (
                "You now lead this case: you'll see its confidential grievances."
                if added
                else "You already lead this case."
            )
        else:
            names = []
            for profile in targets:
                person = people.ensure_person(session=session, workspace=workspace, profile=profile)
                if cases.add_lead(session=session, case=case, actor=actor, person=person):
                    names.append(person.display_name)
            message = (
                f"{', '.join(plain_escape(n) for n in names)} now lead this case."
                if names
                else "They already lead this case."
            )
    call.ack(text=message)


def case(call: CommandCall) -> None:
    """``/grievance case rename <client name>``."""
    action, _, name = call.parsed.args.partition(" ")
    if action.lower() != "rename":
        call.ack(text="Use `/grievance case rename <client name>`.")
        return
    actor_profile = profile_of(call.client, call.user_id, call.team_id)
    with call.deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=call.team_id)
        found = cases.find_case(
            session=session, workspace=workspace, channel_id=call.where.channel_id
        )
        if found is None:
            raise PlaybookError(NO_CASE)
        actor = people.ensure_person(session=session, workspace=workspace, profile=actor_profile)
        cases.rename_case(session=session, case=found, actor=actor, name=name)
        new_name = found.client_name
    call.ack(text=f"This case is now about *{plain_escape(new_name)}*.")
