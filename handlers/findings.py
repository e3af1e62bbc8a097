"""``/grievance findings``: a lead shares what was learnt with the whole channel."""

from __future__ import annotations

from bot.blocks.findings import findings_blocks
from bot.playbook import cases, findings, people
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from handlers.cases import NO_CASE
from handlers.context import CommandCall
from handlers.lookup import profile_of

FALLBACK = "What we learnt so far"


def findings_command(call: CommandCall) -> None:
    """Post the findings to the case channel (leads only; confidential items never appear)."""
    actor = profile_of(call.client, call.user_id, call.team_id)
    with call.deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=call.team_id)
        case = cases.find_case(
            session=session, workspace=workspace, channel_id=call.where.channel_id
        )
        if case is None:
            raise PlaybookError(NO_CASE)
        person = people.ensure_person(session=session, workspace=workspace, profile=actor)
        if not cases.is_lead(session=session, case=case, person=person):
            raise PlaybookError("Only a lead of this case shares the findings.")
        blocks = findings_blocks(case, findings.gather(session=session, case=case))
        record(
            session=session,
            case=case,
            kind=Kind.FINDINGS_SHARED,
            author=person,
            text="Findings shared with the channel",
        )
    call.ack(text="Sharing the findings in this channel.")
    call.client.chat_postMessage(channel=call.where.channel_id, blocks=blocks, text=FALLBACK)
