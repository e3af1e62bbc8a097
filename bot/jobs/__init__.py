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
from functools import partial

from slack_sdk import WebClient

from bot.jobs import (
    checkins,
    commitments,
    digests,
    housekeeping,
    interview_reminders,
    nudges,
    pulse,
    targets,
)
from storage.engine import Database

logger = logging.getLogger("grievance_bot.jobs")


@dataclass(frozen=True)
class Job:
    """A named kind of due work; ``run`` returns how many items it handled.

    ``next_due`` says when the job next has something to do after a moment (None: nothing
    known); housekeeping has no such instant, any tick will do.
    """

    name: str
    run: Callable[[Database, WebClient, datetime], int]
    next_due: Callable[[Database, datetime], datetime | None] | None = None


def jobs(public_url: str | None = None) -> tuple[Job, ...]:
    """Every job; ``public_url`` is the web view's, which the digest links to."""
    return (
        Job("check-ins", checkins.run, checkins.next_due),
        Job("nudges", nudges.run, nudges.next_due),
        Job("digests", partial(digests.run, public_url=public_url), digests.next_due),
        Job("interview reminders", interview_reminders.run, interview_reminders.next_due),
        Job("commitment reminders", commitments.run, commitments.next_due),
        Job("response targets", targets.run, targets.next_due),
        Job("client pulse", pulse.run, pulse.next_due),
        Job("housekeeping", housekeeping.run),
    )


def run_due(
    db: Database, client: WebClient, now: datetime, *, public_url: str | None = None
) -> dict[str, int]:
    """Run every job for ``now``; a job that fails is logged and the others still run."""
    done: dict[str, int] = {}
    for job in jobs(public_url):
        try:
            done[job.name] = job.run(db, client, now)
        except Exception:  # one broken job must not stop the others; logged with traceback
            logger.exception("job failed", extra={"job": job.name})
            done[job.name] = -1
    return done


def next_due(db: Database, after: datetime) -> datetime | None:
    """The first instant after ``after`` at which some job has work, given what is stored
    now; a clock that jumps (the sandbox's ``wait``) stops there, runs ``run_due`` and asks
    again, so each occurrence runs at its own time and what one creates (a check-in's
    nudges) is found on the next ask."""
    found = [due for job in jobs() if job.next_due and (due := job.next_due(db, after))]
    return min(found, default=None)
