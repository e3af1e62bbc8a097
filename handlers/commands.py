"""``/grievance``: parse the text, route to the subcommand's listener.

Text that reads two ways is not routed: the typist is asked privately which reading they
meant (``handlers.readings``), and the buttons of that question come back here, to file
the words or run the subcommand as if it had been typed and chosen.

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
from bot.ids import Action
from bot.playbook import readings as held
from bot.playbook.commands import FILE, ParsedCommand, parse, words_after
from bot.playbook.errors import PlaybookError
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
    readings,
    strategy,
)
from handlers.context import CommandCall, ReplaceQuestion
from handlers.deps import Deps
from handlers.refusals import answer_refusals
from handlers.slack_text import from_slack

Subcommand = Callable[[CommandCall], None]


def _help(call: CommandCall) -> None:
    call.ack(text=help_text(), blocks=help_blocks())


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


def _as_chosen(
    deps: Deps, body: dict[str, Any], respond: Respond, client: WebClient, value: str, *, run: bool
) -> None:
    """Run the reading a button picked, as if its words had been typed and chosen."""
    user_id = str((body.get("user") or {}).get("id", ""))
    with deps.db.transaction() as session:
        choice, text = held.take(session=session, value=value, user_id=user_id)
    if not run:
        parsed = ParsedCommand(FILE, text, text=text)
    elif choice.r in ROUTES:
        parsed = ParsedCommand(choice.r, words_after(text) if choice.w else "", text=text)
    else:
        raise PlaybookError(held.GONE)
    channel = body.get("channel") or {}
    typed = body | {
        "user_id": user_id,
        "channel_id": str(channel.get("id", "")),
        "channel_name": str(channel.get("name", "")),
        "text": text,
    }
    ROUTES[parsed.name](
        CommandCall(
            parsed=parsed,
            body=typed,
            ack=ReplaceQuestion(respond),
            respond=respond,
            client=client,
            deps=deps,
            chosen=True,
        )
    )


def register(app: App, deps: Deps) -> None:
    """Listen for the slash command and for the buttons that pick a reading."""

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
        if call.parsed.reads_two_ways:
            readings.ask_which(call)
        else:
            ROUTES[call.parsed.name](call)

    @app.action(Action.FILE_TEXT)
    @answer_refusals
    def on_file(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        _as_chosen(deps, body, respond, client, str(action.get("value", "")), run=False)

    @app.action(Action.RUN_TEXT)
    @answer_refusals
    def on_run(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        _as_chosen(deps, body, respond, client, str(action.get("value", "")), run=True)
