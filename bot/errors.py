"""The one error handler: a friendly ephemeral for the user, a traceback with an id in the log.

Listeners never wrap their work in ``try/except Exception``; whatever escapes ends here.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App
from slack_bolt.context.respond import Respond

from bot.playbook.errors import PlaybookError

logger = logging.getLogger("grievance_bot.errors")


def register_error_handler(app: App) -> None:
    """Install the handler on ``app``."""

    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
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
