"""A slash-command invocation as the subcommand listeners see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.playbook.commands import ParsedCommand
from bot.playbook.intake import Where
from handlers.deps import Deps


@dataclass(frozen=True)
class CommandCall:
    """One ``/grievance`` call: what was asked, by whom, where, and how to answer."""

    parsed: ParsedCommand
    body: dict[str, Any]
    ack: Ack
    respond: Respond
    client: WebClient
    deps: Deps

    @property
    def user_id(self) -> str:
        """Who typed the command."""
        return str(self.body.get("user_id", ""))

    @property
    def team_id(self) -> str:
        """The workspace it was typed in."""
        return str(self.body.get("team_id", ""))

    @property
    def where(self) -> Where:
        """The channel it was typed in."""
        return Where(
            team_id=self.team_id,
            channel_id=str(self.body.get("channel_id", "")),
            channel_name=str(self.body.get("channel_name", "")),
        )
