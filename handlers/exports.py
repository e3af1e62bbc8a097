"""``/grievance export [md|json|csv]``: a lead takes the case's history away as a file.

Slack I/O only. Who may export, and what an export holds, is ``bot.export.gather``,
reached through ``bot.flows.exports``; the file is written by ``bot.export``'s writers,
the same document and writers as ``grievance-bot export``. A non-lead is refused
before the acknowledgement, so the refusal is the answer; a lead is acknowledged at
once, since building the file may take longer than Slack's 3 seconds, and the file then
goes to their DM, where only they see it.
"""

from __future__ import annotations

import logging

from bot.blocks.export import IN_A_DM, PREPARING, USAGE, export_note, export_title
from bot.export import file_name, render
from bot.flows import exports
from bot.playbook.commands import DEFAULT_EXPORT_FORMAT, EXPORT_FORMATS
from bot.slack.lookup import is_direct_message
from bot.slack.messages import file_by_dm
from handlers.context import CommandCall

logger = logging.getLogger(__name__)


def export(call: CommandCall) -> None:
    """Check the lead, acknowledge, build the file, send it by DM, note it on the timeline."""
    if is_direct_message(call.where.channel_id, call.where.channel_name):
        call.ack(text=IN_A_DM)
        return
    fmt = EXPORT_FORMATS.get(call.parsed.args.strip().lower() or DEFAULT_EXPORT_FORMAT)
    if fmt is None:
        call.ack(text=USAGE)
        return
    exporter = exports.clear_lead(
        call.deps.db, team_id=call.team_id, channel_id=call.where.channel_id, caller=call.caller()
    )
    call.ack(text=PREPARING)
    document = exports.gather(call.deps.db, exporter, now=call.deps.now())
    fault = file_by_dm(
        call.client,
        call.user_id,
        content=render(document, fmt),
        filename=file_name(document.cases[0].client_name, fmt, document.exported_at),
        title=export_title(document),
        note=export_note(document, fmt),
    )
    if fault is not None:
        logger.warning(
            "export not delivered", extra={"case_id": exporter.case_id, "error": fault.code}
        )
        call.respond(
            text=f"I couldn't send you the export, so nothing was exported. {fault.sentence()}",
            response_type="ephemeral",
        )
        return
    exports.note(call.deps.db, exporter, fmt=fmt)
