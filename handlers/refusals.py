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
            kwargs["respond"](text=str(refusal), response_type="ephemeral", replace_original=False)
            return None

    return wrapper  # type: ignore[return-value]
