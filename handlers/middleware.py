"""Global middleware: note request facts for the access log and drop duplicate events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot import request_log
from bot.playbook.deliveries import first_delivery
from handlers.deps import Deps


def _facts(body: dict[str, Any]) -> dict[str, str | None]:
    """Type, team and channel of any Slack payload shape, for logging."""
    kind = body.get("type") or ("slash_command" if "command" in body else None)
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    if kind == "event_callback":
        kind = f"event:{event.get('type')}"
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    channel = (
        body.get("channel_id")
        or event.get("channel")
        or (event.get("item") or {}).get("channel")
        or (body.get("channel") or {}).get("id")
    )
    return {"type": kind, "team": team, "channel": channel}


def register(app: App, deps: Deps) -> None:
    """Install the middleware on ``app``."""

    @app.middleware
    def note_and_dedupe(
        body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """Ack a repeated ``event_id`` without handling it again; otherwise carry on."""
        facts = _facts(body) if isinstance(body, dict) else {}
        request_log.note(**facts)
        event_id = body.get("event_id") if isinstance(body, dict) else None
        is_event = body.get("type") == "event_callback" and isinstance(event_id, str)
        if is_event and not first_delivery(deps.db, event_id=event_id, team_id=facts.get("team")):
            request_log.note(duplicate=True)
            return BoltResponse(status=200, body="")
        return next()
