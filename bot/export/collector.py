"""Pause Python's cyclic garbage collector while an export is built or written.

An export allocates millions of small objects (a record per entry and per person, then a
dict and a string per line written) that all live until the export is done, and none of
them is cyclic garbage. The collector's passes over the oldest generation walk every one
of them again, over and over: measured on the 100,000-entry case, a fifth of the build
and the write (3.3 s down to 2.7 s). Reference counting still frees everything as
usual; only the search for cycles waits until the export is over.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

Params = ParamSpec("Params")
Result = TypeVar("Result")

_lock = threading.Lock()
#: Exports in progress in this process, and whether the collector was on before the first:
#: it resumes when the last one ends.
_running = 0
_was_enabled = True


def collector_paused(work: Callable[Params, Result]) -> Callable[Params, Result]:
    """Run ``work`` with the cyclic collector paused (it resumes, if it was on, after)."""

    @functools.wraps(work)
    def paused(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        global _running, _was_enabled
        with _lock:
            if _running == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _running += 1
        try:
            return work(*args, **kwargs)
        finally:
            with _lock:
                _running -= 1
                if _running == 0 and _was_enabled:
                    gc.enable()

    return paused
