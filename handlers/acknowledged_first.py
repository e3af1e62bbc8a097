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
from typing import Any, TypeVar, overload

from bot.deps import Deps
from handlers.outages import answering_outages
from handlers.refusals import answer_refusals

Listener = TypeVar("Listener", bound=Callable[..., Any])


@overload
def acknowledged_first(listener: Listener, /) -> Listener: ...
@overload
def acknowledged_first(listener: Deps, /) -> Callable[[Listener], Listener]: ...
def acknowledged_first(listener: Any, /) -> Any:
    """Decorate a module-level button listener that takes ``ack``, ``body``, ``deps``
    (from Bolt's context) and ``respond`` or ``client``.

    ``acknowledged_first(deps)`` still decorates a listener defined inside a ``register``
    that closes over ``deps``, until every such listener is module-level.
    """
    if isinstance(listener, Deps):
        deps = listener
        return lambda closure: _acknowledged(closure, lambda _kwargs: deps)
    return _acknowledged(listener, lambda kwargs: kwargs["deps"])


def _acknowledged(listener: Listener, deps_of: Callable[[dict[str, Any]], Deps]) -> Listener:
    """``listener`` acknowledged at once and run on the outbound workers of ``deps_of``'s
    ``Deps`` (taken from the listener's own arguments, or given)."""
    answered = answer_refusals(listener)

    @functools.wraps(listener)
    def wrapper(**kwargs: Any) -> None:
        kwargs["ack"]()
        deps_of(kwargs).after_ack(
            lambda: answering_outages(
                lambda: answered(**kwargs),
                body=kwargs.get("body") or {},
                respond=kwargs.get("respond"),
                client=kwargs.get("client"),
            )
        )

    return wrapper  # type: ignore[return-value]
