"""``/grievance findings``: a lead shares what was learnt with the whole channel."""

from __future__ import annotations

from bot.blocks.findings import findings_blocks
from bot.playbook import cases, findings
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from handlers.context import CommandCall

FALLBACK = "What we learnt so far"


def findings_command(call: CommandCall) -> None:
    """Post the findings to the case channel (leads only; confidential items never appear)."""
    caller = call.caller()
    with call.deps.db.transaction() as session:
        found = call.case_and_actor(session, caller)
        if not cases.is_lead(session=session, case=found.case, person=found.person):
            raise PlaybookError("Only a lead of this case shares the findings.")
        blocks = findings_blocks(found.case, findings.gather(session=session, case=found.case))
        record(
            session=session,
            case=found.case,
            kind=Kind.FINDINGS_SHARED,
            author=found.person,
            text="Findings shared with the channel",
        )
    call.ack(text="Sharing the findings in this channel.")
    call.client.chat_postMessage(channel=call.where.channel_id, blocks=blocks, text=FALLBACK)
