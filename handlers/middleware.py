"""Global middleware: hand listeners what they need, note request facts for the access
log and refuse replayed requests.

Listeners are plain module-level functions; Bolt injects context entries by parameter
name, so ``provide`` (the one place that holds the composition root's ``Deps``) puts
``deps``, ``acting`` (who acted, where: ``bot.slack.identity.Acting``), the parsed
interaction (``press``, ``submission`` or ``picked``: ``handlers.payloads``) and an
event's ``delivery`` there. Events are not de-duplicated here: what an event writes is
written with its delivery record, in one transaction (``bot.playbook.deliveries.claim``).

It also refuses a slash command that does not say who typed it in which channel of which
workspace, and an interaction that does not say who acted: no listener could attribute
what it writes, so nothing may be written for it. Bolt has checked the signature and its
five-minute timestamp window before this runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot import request_log
from bot.deps import Deps
from bot.playbook.deliveries import Delivery, sighting
from bot.slack.identity import acting
from handlers.direct import Direct
from handlers.payloads import parsed

#: What a slash command must carry before any listener may act on it.
_COMMAND_FIELDS = ("user_id", "team_id", "channel_id")
#: Interactions, which Slack always sends with the acting ``user`` as an object.
_INTERACTIONS = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action"}
)


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ref(value: object) -> str | None:
    """An id sent either as a string or as an object with an ``id``."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _facts(body: dict[str, Any]) -> dict[str, str | None]:
    """Type, team and channel of any Slack payload shape, for logging."""
    kind = body.get("type") or ("slash_command" if "command" in body else None)
    event = _object(body.get("event"))
    if kind == "event_callback":
        kind = f"event:{event.get('type')}"
    team = _ref(body.get("team_id")) or _ref(body.get("team"))
    channel = (
        _ref(body.get("channel_id"))
        or _ref(event.get("channel"))
        or _ref(_object(event.get("item")).get("channel"))
        or _ref(body.get("channel"))
    )
    return {"type": str(kind) if kind else None, "team": team, "channel": channel}


def _unattributed(body: dict[str, Any]) -> str | None:
    """Why no listener could tell who acted (and where), or None."""
    if "command" in body:
        missing = [f for f in _COMMAND_FIELDS if not isinstance(body.get(f), str) or not body[f]]
        return f"slash command without {', '.join(missing)}" if missing else None
    if body.get("type") in _INTERACTIONS and not _ref(_object(body.get("user"))):
        return f"{body['type']} without a user object"
    return None


def register(app: App, deps: Deps) -> None:
    """Install the middleware on ``app``: ``deps`` reaches listeners through it alone."""

    def provide(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
        """Put ``deps``, ``acting`` and the parsed interaction in the request's context."""
        context, body = req.context, req.body
        context["deps"] = deps
        if isinstance(body, dict):
            context["acting"] = acting(body, deps.installation)
            context["delivery"] = _delivery(body)
            context.update(parsed(body))
        return next()

    app.middleware(Direct(provide))
    app.middleware(Direct(note_and_dedupe))


def note_and_dedupe(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """Give a command or an interaction a view of the database whose first committed
    transaction records its signature: the same request sent again is then refused
    (``bot.errors``) by the transaction that would have repeated its work."""
    body, context = req.body, req.context
    facts = _facts(body) if isinstance(body, dict) else {}
    request_log.note(**facts)
    if not isinstance(body, dict):
        return next()
    if (problem := _unattributed(body)) is not None:
        return BoltResponse(status=400, body=json.dumps({"error": problem}))
    signature = _signature(req)
    if body.get("type") != "event_callback" and signature:
        deps: Deps = context["deps"]
        context["deps"] = replace(deps, db=deps.db.with_first_write(sighting(signature)))
    return next()


def _delivery(body: dict[str, Any]) -> Delivery | None:
    """An event's delivery, as its retries repeat it (None for anything else)."""
    event_id = body.get("event_id")
    if body.get("type") != "event_callback" or not isinstance(event_id, str) or not event_id:
        return None
    team = body.get("team_id")
    return Delivery(event_id, team if isinstance(team, str) else None)


def _signature(req: BoltRequest) -> str | None:
    """``X-Slack-Signature`` of an HTTP request (Socket Mode requests carry none)."""
    values = req.headers.get("x-slack-signature") or []
    return values[0] if values else None
