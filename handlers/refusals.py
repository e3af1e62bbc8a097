"""Answer a refusal privately, from inside the listener that was refused.

Two things refuse what a person asked: the playbook (``PlaybookError``, a domain rule)
and Slack (``SlackApiError``: an archived channel, a deactivated account...). Both are
answered here, to the person who acted, with a sentence rather than a stack trace.

Bolt's thread runner discards an acknowledgement already given when the listener then
raises, and waits out the 3-second window, so Slack shows the click as failed. Listeners
therefore catch refusals here instead of letting them reach the app's error handler,
which still gets anything else.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError

from bot.playbook.errors import PlaybookError
from bot.slack.faults import fault_of
from bot.slack.identity import Acting, acting_user
from bot.slack.messages import direct_message

Listener = TypeVar("Listener", bound=Callable[..., Any])

logger = logging.getLogger(__name__)


def answer_refusals(listener: Listener) -> Listener:
    """Wrap a listener so playbook and Slack refusals become private replies."""
    parameters = inspect.signature(listener).parameters
    if "respond" not in parameters and "client" not in parameters:
        raise TypeError(f"{listener.__name__} must take `respond` or `client` to answer refusals")

    @functools.wraps(listener)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return listener(*args, **kwargs)
        except PlaybookError as refusal:
            _answer(kwargs, str(refusal))
        except SlackApiError as exc:
            fault = fault_of(exc)
            logger.warning(
                "Slack refused a call", extra={"listener": listener.__name__, "error": fault.code}
            )
            _answer(kwargs, fault.sentence())
        return None

    return wrapper  # type: ignore[return-value]


def _answer(kwargs: dict[str, Any], text: str) -> None:
    """Acknowledge if the listener had not, then reply through the response URL.

    A slash command not yet acknowledged is answered by the acknowledgement itself.
    Buttons in modals and on the Home tab, form submissions and events have no response
    URL, so those refusals go to the person by DM instead.
    """
    ack, body = kwargs.get("ack"), kwargs.get("body") or {}
    if ack is not None and ack.response is None:
        if "command" in body:
            ack(text=text)
            return
        ack()
    respond = kwargs.get("respond")
    if respond is not None and respond.response_url is not None:
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    acting = kwargs.get("acting")  # a listener that takes ``acting`` may take no body
    user = acting.user_id if isinstance(acting, Acting) else acting_user(body)
    client = kwargs.get("client")
    if client is not None and user:
        direct_message(client, user, text)
