"""Check an id a button or form carries against the person acting, before using it.

Listeners call ``require_in_scope`` as soon as they have found the row an id names, so
``bot.playbook.access.require_in_scope`` decides, for every button alike, whether that
row's case is one the person may act on from where they pressed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.playbook import access, people
from bot.slack.identity import acting_user
from storage.models import Case, Person


def acted_in(body: dict[str, Any]) -> str | None:
    """The channel an interaction happened in (Slack's own field, not a button's value);
    None on the App Home or in a form."""
    channel = body.get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return str(channel["id"])
    container = body.get("container")
    found = container.get("channel_id") if isinstance(container, dict) else None
    return found if isinstance(found, str) and found else None


def require_in_scope(
    session: Session, deps: Deps, body: dict[str, Any], case: Case, *, gone: str
) -> Person | None:
    """Refuse with ``gone`` unless the person acting may reach ``case`` from where they
    acted; the person as the bot knows them in that case's workspace (None: never met)."""
    person = people.find_person(
        session=session, workspace=case.workspace, user_id=acting_user(body) or ""
    )
    access.require_in_scope(
        session=session,
        case=case,
        person=person,
        team_id=deps.home(body).key,
        channel_id=acted_in(body),
        gone=gone,
    )
    return person
