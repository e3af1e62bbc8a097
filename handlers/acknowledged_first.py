"""Acknowledge a button at once and do its work on the outbound workers.

Bolt keeps a listener's worker until the listener returns, and acknowledgements need
those workers. A button whose work asks Slack (who pressed it, a message to update or
delete) would hold one for as long as Slack takes, so such a listener is acknowledged
here, on Bolt's worker, and run on the outbound workers (``bot.slack.outbound``); its own
``ack()`` then finds the request already acknowledged and does nothing more. Refusals
are answered privately (``answer_refusals``), a database outage truthfully
(``handlers.outages``), as they would be on Bolt's worker.

Buttons that open a form stay on Bolt's worker: Slack's ``trigger_id`` expires 3 seconds
after the press, and a form must not wait behind other people's posts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from bot.deps import Deps
from handlers.outages import answering_outages
from handlers.refusals import answer_refusals

Listener = TypeVar("Listener", bound=Callable[..., Any])


def acknowledged_first(listener: Listener) -> Listener:
    """Decorate a module-level button listener that takes ``ack``, ``body``, ``deps``
    (from Bolt's context) and ``respond`` or ``client``: acknowledged at once, run on
    the outbound workers of its own ``deps``."""
    answered = answer_refusals(listener)

    @functools.wraps(listener)
    def wrapper(**kwargs: Any) -> None:
        kwargs["ack"]()
        deps: Deps = kwargs["deps"]
        deps.after_ack(
            lambda: answering_outages(
                lambda: answered(**kwargs),
                body=kwargs.get("body") or {},
                respond=kwargs.get("respond"),
                client=kwargs.get("client"),
            )
        )

    return wrapper  # type: ignore[return-value]
