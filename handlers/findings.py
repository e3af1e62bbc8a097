"""``/grievance findings``: a lead shares what was learnt with the whole channel."""

from __future__ import annotations

from bot.blocks.findings import findings_blocks
from bot.blocks.links import web_page
from bot.flows import findings
from handlers.context import CommandCall

FALLBACK = "What we learnt so far"


def findings_command(call: CommandCall) -> None:
    """Post the findings to the case channel (leads only; confidential items never appear)."""
    shared = findings.share(
        call.deps.db, team_id=call.team_id, channel_id=call.where.channel_id, caller=call.caller()
    )
    call.ack(text="Sharing the findings in this channel.")
    call.client.chat_postMessage(
        channel=call.where.channel_id,
        blocks=findings_blocks(
            shared.client_name,
            shared.findings,
            web=web_page(call.deps.settings.public_url, f"/cases/{shared.case_id}"),
        ),
        text=FALLBACK,
    )
