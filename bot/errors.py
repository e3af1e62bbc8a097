"""The one error handler: a friendly ephemeral for the user, a traceback with an id in the log.

Listeners never wrap their work in ``try/except Exception``; whatever escapes ends here,
from a listener or from the middleware. A database outage is no bug: the person is told
their action was not saved and shown what they wrote (``handlers.outages``), in the
response Slack is still waiting for when there is one, so it is never an empty ``500``.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from slack_bolt import Ack, App, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.playbook.deliveries import Replayed
from bot.playbook.errors import PlaybookError
from handlers.outages import answer_outage
from storage.outages import outage_of

logger = logging.getLogger("grievance_bot.errors")


def register_error_handler(app: App) -> None:
    """Install the handler on ``app``."""

    @app.error
    def on_error(
        error: Exception,
        body: dict[str, Any],
        respond: Respond | None,
        client: WebClient | None,
        ack: Ack,
        response: BoltResponse | None,
    ) -> BoltResponse | None:
        """Bolt passes no ``response`` once a command or form was acknowledged (and acks
        events itself before their listener runs): only otherwise may one be returned."""
        if isinstance(error, Replayed):  # the transaction that found it rolled back whole
            if response is None or ack.response is not None:
                return None
            return BoltResponse(status=401, body=json.dumps({"error": "replayed request"}))
        outage = outage_of(error)
        if outage is not None and isinstance(body, dict):
            acknowledged = response is None or ack.response is not None
            return answer_outage(
                outage, body, acknowledged=acknowledged, respond=respond, client=client
            )
        if isinstance(error, PlaybookError):
            message = str(error)
        else:
            error_id = uuid.uuid4().hex[:8]
            logger.exception("unhandled error", extra={"error_id": error_id}, exc_info=error)
            message = (
                "Sorry, something went wrong on my side. Check whether what you did shows up "
                "before trying again; if it happens again, give your admin this reference: "
                f"`{error_id}`."
            )
        if respond is not None and isinstance(body, dict) and body.get("response_url"):
            respond(text=message, response_type="ephemeral", replace_original=False)
        return None
