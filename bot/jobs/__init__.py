"""Time-driven work: everything that is due at a moment, run once.

The in-process scheduler calls ``run_due`` every minute; ``grievance-bot tick`` calls it
once (from cron or a Kubernetes CronJob, or from tests with a chosen clock). Each job
claims what it does in the database before doing it, so two processes, a restart or a
repeated tick never do the same thing twice, and one failing item never stops the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.jobs import checkins, digests, housekeeping, interview_reminders, nudges
from storage.engine import Database

logger = logging.getLogger("grievance_bot.jobs")


@dataclass(frozen=True)
class Job:
    """A named kind of due work; ``run`` returns how many items it handled."""

    name: str
    run: Callable[[Database, WebClient, datetime], int]


JOBS: tuple[Job, ...] = (
    Job("check-ins", checkins.run),
    Job("nudges", nudges.run),
    Job("digests", digests.run),
    Job("interview reminders", interview_reminders.run),
    Job("housekeeping", housekeeping.run),
)


def run_due(db: Database, client: WebClient, now: datetime) -> dict[str, int]:
    """Run every job for ``now``; a job that fails is logged and the others still run."""
    done: dict[str, int] = {}
    for job in JOBS:
        try:
            done[job.name] = job.run(db, client, now)
        except Exception:  # one broken job must not stop the others; logged with traceback
            logger.exception("job failed", extra={"job": job.name})
            done[job.name] = -1
    return done
