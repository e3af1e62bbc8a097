"""``/grievance``: parse the text, route to the subcommand's listener.

Text that reads two ways is not routed: the typist is asked privately which reading they
meant (``handlers.readings``), and the buttons of that question come back here, to file
the words or run the subcommand as if it had been typed and chosen.

Refusals, the playbook's (``PlaybookError``) or Slack's (``SlackApiError``), are answered
privately by ``answer_refusals``: as the acknowledgement itself when raised before it, so
the user sees why at once, or as an ephemeral reply after it.

The acknowledgement never waits on Slack. Filing and help need nothing from it and answer
in the acknowledgement. Every other subcommand may (who a first-time caller is, since
their side decides what they may do; the people it names; a form to open; a message to
post), so it is acknowledged at once and runs on the outbound workers
(``bot.slack.outbound``), its answer following through the response URL: Slack shows it the
same way, and a slow Slack holds up that answer, never the next person's acknowledgement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.help import help_blocks, help_text
from bot.deps import Deps
from bot.flows.commands import picked_reading
from bot.ids import Action
from bot.playbook import readings as held
from bot.playbook.commands import FILE, ParsedCommand, parse, words_after
from bot.playbook.errors import PlaybookError
from bot.slack.identity import Acting
from bot.surface import SLASH_COMMAND
from handlers import (
    cases,
    checkins,
    commitments,
    digests,
    exports,
    findings,
    grievances,
    health,
    history,
    interviews,
    people,
    progress,
    pulse,
    readings,
    strategy,
    targets,
)
from handlers.acknowledged_first import acknowledged_first
from handlers.context import CommandCall, LateAnswer, ReplaceQuestion
from handlers.outages import answering_outages
from handlers.payloads import ButtonPress
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
    "commit": commitments.commit,
    "targets": targets.targets,
    "pulse": pulse.pulse,
    "status": health.status,
    "digest": digests.digest,
    "export": exports.export,
    "help": _help,
}


#: Subcommands that never ask Slack anything before they answer (filing takes a newcomer
#: as provisional and confirms them after), so they answer in the acknowledgement.
ANSWERED_AT_ONCE = frozenset({FILE, "help"})


@answer_refusals
def _route_answering_refusals(*, call: CommandCall, respond: Respond, client: WebClient) -> None:
    """``call``'s subcommand; ``respond`` and ``client`` are how a refusal is answered."""
    ROUTES[call.parsed.name](call)


def _as_chosen(
    *,
    deps: Deps,
    acting: Acting,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    value: str,
    run: bool,
) -> None:
    """Run the reading a button picked, as if its words had been typed and chosen."""
    choice, text = picked_reading(deps.db, value=value, user_id=acting.user_id)
    if not run:
        parsed = ParsedCommand(FILE, text, text=text)
    elif choice.r in ROUTES:
        parsed = ParsedCommand(choice.r, words_after(text) if choice.w else "", text=text)
    else:
        raise PlaybookError(held.GONE)
    channel = body.get("channel") or {}
    typed = body | {
        "user_id": acting.user_id,
        "channel_id": str(channel.get("id", "")),
        "channel_name": str(channel.get("name", "")),
        "text": text,
    }
    ROUTES[parsed.name](
        CommandCall(
            parsed=parsed,
            body=typed,
            acting=acting,
            ack=ReplaceQuestion(respond),
            respond=respond,
            client=client,
            deps=deps,
            chosen=True,
        )
    )


@answer_refusals
def on_grievance(
    ack: Ack,
    body: dict[str, Any],
    acting: Acting,
    deps: Deps,
    respond: Respond,
    client: WebClient,
) -> None:
    """Route ``/grievance``: ask which reading was meant, answer at once, or acknowledge
    and run the subcommand on the outbound workers."""
    call = CommandCall(
        parsed=parse(from_slack(body.get("text"))),
        body=body,
        acting=acting,
        ack=ack,
        respond=respond,
        client=client,
        deps=deps,
    )
    if call.parsed.reads_two_ways:
        readings.ask_which(call)
    elif call.parsed.name in ANSWERED_AT_ONCE:
        ROUTES[call.parsed.name](call)
    else:  # it may ask Slack (who they are, a form to open): acknowledge first
        ack()
        late = replace(call, ack=LateAnswer(respond))
        deps.after_ack(
            lambda: answering_outages(
                lambda: _route_answering_refusals(call=late, respond=respond, client=client),
                body=body,
                respond=respond,
                client=client,
            )
        )


@acknowledged_first
def on_reading_picked(
    ack: Ack,
    body: dict[str, Any],
    press: ButtonPress,
    acting: Acting,
    deps: Deps,
    respond: Respond,
    client: WebClient,
) -> None:
    """File the words as a grievance (``FILE_TEXT``) or run the subcommand they read as
    (``RUN_TEXT``), whichever button of the question was pressed."""
    ack()
    _as_chosen(
        deps=deps,
        acting=acting,
        body=body,
        respond=respond,
        client=client,
        value=press.value or "",
        run=press.action_id == Action.RUN_TEXT,
    )


def register(app: App) -> None:
    """Listen for the slash command and for the buttons that pick a reading."""
    app.command(SLASH_COMMAND)(on_grievance)
    app.action(Action.FILE_TEXT)(on_reading_picked)
    app.action(Action.RUN_TEXT)(on_reading_picked)
