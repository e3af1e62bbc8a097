"""``/grievance findings``: a lead shares what was learnt with the whole channel."""

from __future__ import annotations

from bot.blocks.findings import findings_blocks
from bot.playbook import findings
from handlers.context import CommandCall

FALLBACK = "What we learnt so far"


def findings_command(call: CommandCall) -> None:
    """Post the findings to the case channel (leads only; confidential items never appear)."""
    caller = call.caller()
    with call.deps.db.transaction() as session:
        found = call.case_and_actor(session, caller)
        shared = findings.share(session=session, case=found.case, actor=found.person)
        blocks = findings_blocks(found.case.client_name, shared)
    call.ack(text="Sharing the findings in this channel.")
    call.client.chat_postMessage(channel=call.where.channel_id, blocks=blocks, text=FALLBACK)
