"""``/grievance status``: the case's health, its trend, and why; plus the check-in answers.

Slack I/O only: the score lives in ``bot.playbook.health``. Anyone in the channel may ask;
the names of client leaders who have gone silent are shown to the case's leads only.
"""

from __future__ import annotations

from bot.blocks.health import status_blocks, status_text
from bot.flows.scope import NO_CASE
from bot.playbook import cases, health, history, people
from bot.playbook.errors import PlaybookError
from handlers.context import CommandCall


def status(call: CommandCall) -> None:
    """The health of this channel's case, privately to whoever asked."""
    with call.deps.db.transaction() as session:
        workspace = people.ensure_workspace(session=session, team_id=call.team_id)
        case = cases.find_case(
            session=session, workspace=workspace, channel_id=call.where.channel_id
        )
        if case is None:
            raise PlaybookError(NO_CASE)
        viewer = people.find_person(session=session, workspace=workspace, user_id=call.user_id)
        names = history.include_confidential_for(session=session, case=case, viewer=viewer)
        report = health.report(session=session, case=case, now=call.deps.now())
        blocks = status_blocks(case.client_name, report, show_names=names)
        text = status_text(case.client_name, report)
    call.ack(text=text, blocks=blocks)
