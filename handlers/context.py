"""A slash-command invocation as the subcommand listeners see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.identity import Installation
from bot.playbook import cases, people
from bot.playbook.commands import ParsedCommand
from bot.playbook.errors import PlaybookError
from bot.playbook.intake import Where
from bot.playbook.people import Profile
from handlers.deps import Deps
from handlers.lookup import profile_of
from storage.models import Case, Person

NO_CASE = (
    "There's no case in this channel yet. It opens with the first grievance: "
    "`/grievance <what happened>`."
)


@dataclass(frozen=True)
class CaseActor:
    """This channel's case and the person who typed the command."""

    case: Case
    person: Person


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
    def home(self) -> Installation:
        """The bot's own workspace (never the typist's, who may be from another one)."""
        return self.deps.home(self.body)

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
        with self.deps.db.transaction() as session:
            known = people.known_profile(
                session=session, team_id=self.team_id, user_id=self.user_id
            )
        return known or profile_of(self.client, self.user_id, self.home)

    def case_and_actor(self, session: Session, caller: Profile) -> CaseActor:
        """The channel's case (or the "no case yet" refusal) and the caller as a person."""
        profile = caller
        workspace = people.ensure_workspace(session=session, team_id=self.team_id)
        case = cases.find_case(
            session=session, workspace=workspace, channel_id=self.where.channel_id
        )
        if case is None:
            raise PlaybookError(NO_CASE)
        person = people.ensure_person(session=session, workspace=workspace, profile=profile)
        return CaseActor(case=case, person=person)
