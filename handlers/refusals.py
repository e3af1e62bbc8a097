"""Answer a playbook refusal privately, from inside the listener that was refused.

Bolt's thread runner discards an acknowledgement already given when the listener then
raises, and waits out the 3-second window, so Slack shows the click as failed. Listeners
that acknowledge first therefore catch ``PlaybookError`` here and ``respond`` with it;
anything else still goes to the app's one error handler.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from bot.playbook.errors import PlaybookError

Listener = TypeVar("Listener", bound=Callable[..., Any])


def answer_refusals(listener: Listener) -> Listener:
    """Wrap a listener that takes ``respond`` so refusals become private replies."""
    if "respond" not in inspect.signature(listener).parameters:
        raise TypeError(f"{listener.__name__} must take `respond` to answer refusals")

    @functools.wraps(listener)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return listener(*args, **kwargs)
        except PlaybookError as refusal:
            _answer(kwargs, str(refusal))
            return None

    return wrapper  # type: ignore[return-value]


def _answer(kwargs: dict[str, Any], text: str) -> None:
    """Reply through the response URL; buttons in modals and on the Home tab have none,
    so those refusals go to the person by DM instead."""
    respond = kwargs["respond"]
    if respond.response_url is not None:
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    client, body = kwargs.get("client"), kwargs.get("body") or {}
    user = (body.get("user") or {}).get("id") if isinstance(body, dict) else None
    if client is not None and user:
        client.chat_postMessage(channel=user, text=text)
