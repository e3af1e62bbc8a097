"""``/grievance targets``: see a case's response targets; a lead sets them.

Slack I/O only: what a target is and how business time counts is for
``bot.playbook.targets`` to say; the warnings and misses are the scheduler's
(``bot.jobs.targets``).
"""

from __future__ import annotations

from bot.blocks.targets import targets_text
from bot.flows import targets as flow
from handlers.context import CommandCall


def targets(call: CommandCall) -> None:
    """``targets`` shows them; ``targets 4 ack 1h plan 1d`` or ``targets hours
    08:30-17:00`` sets them (leads)."""
    args = call.parsed.args.strip()
    where = {"team_id": call.team_id, "channel_id": call.where.channel_id}
    if not args:
        call.ack(text=targets_text(flow.show(call.deps.db, caller=call.caller(), **where)))
        return
    said, now = flow.change(call.deps.db, caller=call.caller(), args=args, **where)
    call.ack(text=f"{said}.\n\n{targets_text(now)}")
