"""``/grievance lead`` and ``/grievance case``: who leads a case, its name, closing it."""

from __future__ import annotations

from bot.blocks.text import plain_escape
from bot.flows import cases as flow
from bot.playbook.commands import split_mentions
from bot.slack.lookup import profile_of
from handlers import closing
from handlers.context import CommandCall

CLOSING = {"close": closing.close, "reopen": closing.reopen}


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
    targets = [profile_of(call.client, uid, call.home) for uid in mentioned]
    caller, channel_id = call.caller(), call.where.channel_id
    if not targets:
        claimed = flow.claim_lead(
            call.deps.db, team_id=call.team_id, channel_id=channel_id, caller=caller
        )
        message = (
            "You now lead this case: you'll see its confidential grievances."
            if claimed
            else "You already lead this case."
        )
    else:
        added = flow.add_leads(
            call.deps.db,
            team_id=call.team_id,
            channel_id=channel_id,
            caller=caller,
            targets=targets,
        )
        message = _leading(added, asked=[p.display_name for p in targets])
    call.ack(text=message)


def _leading(added: list[str], *, asked: list[str]) -> str:
    """``ana now leads this case`` / ``ana, ben now lead this case`` / who already did."""
    if added:
        verb = "leads" if len(added) == 1 else "lead"
        return f"{', '.join(plain_escape(n) for n in added)} now {verb} this case."
    if len(asked) == 1:
        return f"{plain_escape(asked[0])} already leads this case."
    return "They already lead this case."


def case(call: CommandCall) -> None:
    """``/grievance case rename <client name> | close | reopen``."""
    action, _, name = call.parsed.args.partition(" ")
    if action.lower() in CLOSING:
        CLOSING[action.lower()](call)
        return
    if action.lower() != "rename":
        call.ack(
            text="Use `/grievance case rename <client name>`, `/grievance case close` or "
            "`/grievance case reopen`."
        )
        return
    new_name = flow.rename(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        caller=call.caller(),
        name=name,
    )
    call.ack(text=f"This case is now about *{plain_escape(new_name)}*.")
