"""Check an id a button or form carries against the person acting, before using it.

The check itself is ``bot.flows.item_scope`` (flows call it inside their transaction);
this is its door for the listeners that still open their own session, reading who acted
and where from the request. It goes, with its ``storage`` import, once they have moved
behind flows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows.item_scope import Reach
from bot.flows.item_scope import require_in_scope as in_scope
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
    """``bot.flows.item_scope.require_in_scope`` for a listener that still holds the
    session itself: who acted and where, read from ``body``."""
    reach = Reach(acting_user(body) or "", deps.home(body).key, acted_in(body))
    return in_scope(session, case, reach, gone=gone)
