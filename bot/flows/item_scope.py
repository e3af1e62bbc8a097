"""Check an id a button or form carries against the person acting, inside a flow's
transaction, before using the row it names.

An id is a claim, not a fact: flows call ``require_in_scope`` as soon as they have found
the row, so ``bot.playbook.access.require_in_scope`` decides, for every button alike,
whether that row's case is one the person may act on from where they acted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.playbook import access, people
from storage.models import Case, Person


@dataclass(frozen=True)
class Reach:
    """Who acted, and from where: what decides which cases an id may name for them."""

    user_id: str
    #: The bot's own workspace for the request, never the sender's team.
    team_id: str
    #: The channel they acted in (Slack's own field, not a button's value); None on the
    #: App Home or in a form.
    channel_id: str | None


def require_in_scope(session: Session, case: Case, reach: Reach, *, gone: str) -> Person | None:
    """Refuse with ``gone`` unless the person acting may reach ``case`` from where they
    acted; the person as the bot knows them in that case's workspace (None: never met)."""
    person = people.find_person(session=session, workspace=case.workspace, user_id=reach.user_id)
    access.require_in_scope(
        session=session,
        case=case,
        person=person,
        team_id=reach.team_id,
        channel_id=reach.channel_id,
        gone=gone,
    )
    return person
