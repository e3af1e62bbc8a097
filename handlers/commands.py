"""``/grievance``: parse the text, route to the subcommand's listener.

Refusals, the playbook's (``PlaybookError``) or Slack's (``SlackApiError``), are answered
privately by ``answer_refusals``: as the acknowledgement itself when raised before it, so
the user sees why at once, or as an ephemeral reply after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.help import help_blocks, help_text
from bot.playbook.commands import parse
from bot.surface import SLASH_COMMAND
from handlers import (
    cases,
    checkins,
    digests,
    exports,
    findings,
    grievances,
    health,
    history,
    interviews,
    people,
    progress,
    strategy,
)
from handlers.context import CommandCall
from handlers.deps import Deps
from handlers.refusals import answer_refusals
from handlers.slack_text import from_slack

Subcommand = Callable[[CommandCall], None]


def _help(call: CommandCall) -> None:
    call.ack(text=help_text(), blocks=help_blocks(call.parsed))


#: Subcommand name -> listener; a test checks it matches ``SUBCOMMANDS`` exactly.
ROUTES: dict[str, Subcommand] = {
    "file": grievances.file_from_text,
    "new": grievances.open_new_modal,
    "history": history.history,
    "insights": history.insights,
    "lead": cases.lead,
    "case": cases.case,
    "people": people.people_command,
    "interview": interviews.interview,
    "findings": findings.findings_command,
    "strategy": strategy.strategy,
    "checkin": checkins.checkin,
    "update": progress.update,
    "status": health.status,
    "digest": digests.digest,
    "export": exports.export,
    "help": _help,
}


def register(app: App, deps: Deps) -> None:
    """Listen for the slash command."""

    @app.command(SLASH_COMMAND)
    @answer_refusals
    def on_grievance(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        call = CommandCall(
            parsed=parse(from_slack(body.get("text"))),
            body=body,
            ack=ack,
            respond=respond,
            client=client,
            deps=deps,
        )
        ROUTES[call.parsed.name](call)
