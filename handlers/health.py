"""``/grievance status``: the case's health, its trend, and why.

Slack I/O only: the score lives in ``bot.playbook.health``. Anyone in the channel may ask;
the names of client leaders who have gone silent are shown to the case's leads only.
"""

from __future__ import annotations

from bot.blocks.health import status_blocks, status_text
from bot.flows.health import case_health
from handlers.context import CommandCall


def status(call: CommandCall) -> None:
    """The health of this channel's case, privately to whoever asked."""
    found = case_health(
        call.deps.db,
        team_id=call.team_id,
        channel_id=call.where.channel_id,
        user_id=call.user_id,
        now=call.deps.now(),
    )
    call.ack(
        text=status_text(found.client_name, found.report),
        blocks=status_blocks(found.client_name, found.report, show_names=found.show_names),
    )
