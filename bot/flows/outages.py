"""Telling a database outage from any other failure, for the listeners that answer one.

Which errors mean "the database is not taking writes" is the storage layer's knowledge
(``storage.outages``); listeners may not import storage, so they run the rest of a
request through ``attempt`` and are handed the outage, a plain value, to answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from storage.outages import MAYBE_OUTAGE, Outage, outage_of

#: What the work gives back.
Done = TypeVar("Done")


def attempt(work: Callable[[], Done]) -> tuple[Done | None, Outage | None]:
    """Run ``work``: what it returned and None, or None and the outage that stopped it.

    Any other error, a database one included, still propagates to the caller.
    """
    try:
        return work(), None
    except MAYBE_OUTAGE as error:
        outage = outage_of(error)
        if outage is None:
            raise
        return None, outage
