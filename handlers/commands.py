"""``/grievance``: parse the text, route to the subcommand, answer ephemerally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.blocks.help import help_blocks, help_text
from bot.playbook.commands import ParsedCommand, parse
from bot.surface import SLASH_COMMAND
from handlers.deps import Deps

Subcommand = Callable[[ParsedCommand, dict[str, Any], Ack], None]


def _help(parsed: ParsedCommand, _command: dict[str, Any], ack: Ack) -> None:
    ack(text=help_text(), blocks=help_blocks(parsed))


#: Subcommand name -> listener; ``tests`` check it matches ``SUBCOMMANDS`` exactly.
ROUTES: dict[str, Subcommand] = {"help": _help}


def register(app: App, deps: Deps) -> None:
    """Listen for the slash command."""

    @app.command(SLASH_COMMAND)
    def on_grievance(ack: Ack, command: dict[str, Any]) -> None:
        parsed = parse(command.get("text"))
        ROUTES[parsed.name](parsed, command, ack)
