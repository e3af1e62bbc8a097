"""A slash-command invocation as the subcommand listeners see it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.flows import scope
from bot.flows.people import caller_profile
from bot.playbook import access
from bot.playbook.commands import ParsedCommand
from bot.playbook.intake import Where
from bot.playbook.people import Caller, Profile
from bot.slack.identity import Acting, Installation


class Answer(Protocol):
    """How a subcommand gives its private first answer: Bolt's ``Ack`` for a typed
    command, ``ReplaceQuestion`` when a button picked the reading."""

    def __call__(self, text: str = "", blocks: Sequence[Any] | None = None) -> Any:
        """Answer privately; with neither text nor blocks, just acknowledge."""


@dataclass(frozen=True)
class ReplaceQuestion:
    """Answer a reading picked by button in place of the question it answers."""

    respond: Respond

    def __call__(self, text: str = "", blocks: Sequence[Any] | None = None) -> None:
        """Replace the question with the answer; with none, remove the question."""
        if text or blocks:
            self.respond(
                text=text,
                blocks=list(blocks) if blocks else None,
                response_type="ephemeral",
                replace_original=True,
            )
        else:
            self.respond(delete_original=True)


@dataclass(frozen=True)
class LateAnswer:
    """Answer a command already acknowledged (empty) through its response URL, privately,
    as a message of its own: Slack shows it just as it shows an acknowledgement's."""

    respond: Respond

    def __call__(self, text: str = "", blocks: Sequence[Any] | None = None) -> None:
        """Post the answer; with neither text nor blocks there is nothing more to say."""
        if text or blocks:
            self.respond(
                text=text,
                blocks=list(blocks) if blocks else None,
                response_type="ephemeral",
                replace_original=False,
            )


@dataclass(frozen=True)
class CommandCall:
    """One ``/grievance`` call: what was asked, by whom, where, and how to answer.

    ``chosen`` is True when the typist already picked this reading with a button, so a
    subcommand that would otherwise confirm first (``update <words>``) goes ahead.
    """

    parsed: ParsedCommand
    #: The payload as typed (or as the picked reading re-types it), for what only it says.
    body: dict[str, Any]
    #: Who typed it, for which of the bot's workspaces (Bolt's context, not the body).
    acting: Acting
    ack: Answer
    respond: Respond
    client: WebClient
    deps: Deps
    chosen: bool = False

    @property
    def user_id(self) -> str:
        """Who typed the command."""
        return self.acting.user_id

    @property
    def home(self) -> Installation:
        """The bot's own workspace (never the typist's, who may be from another one)."""
        return self.acting.home

    @property
    def team_id(self) -> str:
        """The id the bot's records for this workspace are kept under."""
        return self.home.key

    @property
    def where(self) -> Where:
        """The channel it was typed in."""
        return Where(
            team_id=self.team_id,
            channel_id=str(self.body.get("channel_id", "")),
            channel_name=str(self.body.get("channel_name", "")),
        )

    def caller(self) -> Profile:
        """The caller's profile, from the database when the bot knows them.

        Every Web API call before the acknowledgement eats into Slack's 3 seconds, so
        ``users.info`` is asked only about people met for the first time. Call this
        *before* opening a write transaction.
        """
        return caller_profile(self.deps.db, self.client, self.user_id, self.home)

    def filer(self) -> Caller:
        """The caller, to be looked up by the filing itself (``people.as_known``): as
        stored, or provisional (client side) when met for the first time, for the work
        after the acknowledgement to confirm."""
        return Caller(self.user_id, self.acting.user_name)

    def may(self, action: access.Action) -> bool:
        """True when the caller may take ``action`` on this channel's case (False when
        the channel has no case yet)."""
        return scope.may(
            self.deps.db,
            team_id=self.team_id,
            channel_id=self.where.channel_id,
            caller=self.caller(),
            action=action,
        )
