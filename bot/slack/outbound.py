"""Web API work that follows an acknowledgement, on workers of its own.

Bolt keeps a listener's worker until the listener returns. A listener that acknowledges
and then posts to a slow Slack holds that worker for as long as Slack takes, and the next
requests wait for a free one before they can even acknowledge: Slack gives up after 3 s,
tells the person it failed, and they file the same grievance twice. So what a listener
does after ``ack`` (posting, telling, filling in a profile) is handed to ``Outbound``, a
bounded pool of its own: a slow Slack then delays the posts, never the acknowledgements.
Each call on it is bounded by the Web API client's timeout (``make_web_client``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor

from storage.turns import backgrounded

logger = logging.getLogger("grievance_bot.slack.outbound")

#: Workers for Web API calls after acknowledgements, per process.
OUTBOUND_WORKERS = 8


def outbound_pool(workers: int = OUTBOUND_WORKERS) -> ThreadPoolExecutor:
    """The bounded pool ``Outbound`` runs on (the composition root owns and shuts it)."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-outbound")


class Outbound:
    """Runs work after an acknowledgement, away from the pool that acknowledges."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def send(self, work: Callable[[], None]) -> None:
        """Run ``work`` on an outbound worker; a failure is logged with an id, as the one
        error handler would (nobody is waiting on it to be told). It runs as background
        work, which checkpoints the database's log for the acknowledgements
        (``storage.turns``)."""
        self._executor.submit(backgrounded(work)).add_done_callback(_log_failure)


def _log_failure(done: Future[None]) -> None:
    error = done.exception()
    if error is not None:
        logger.error(
            "unhandled error after acknowledging",
            extra={"error_id": uuid.uuid4().hex[:8]},
            exc_info=error,
        )
