"""The in-process scheduler: APScheduler 3 runs the due work every minute.

Nothing is kept in APScheduler's own job store: what is due, and whether it was done,
lives in the database, so restarts and a second instance change nothing. A deployment
that prefers cron runs ``grievance-bot run --no-scheduler`` and ``grievance-bot tick``.
"""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.jobs import run_due
from storage.clock import utcnow
from storage.engine import Database
from storage.turns import backgrounded

TICK_SECONDS = 60


def start_scheduler(
    db: Database, client: WebClient, *, public_url: str | None = None
) -> BackgroundScheduler:
    """Start running due work every minute (one run at a time, missed runs coalesced);
    ``public_url`` is the web view's, for the links Slack messages carry."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": TICK_SECONDS},
    )
    scheduler.add_job(
        # nobody waits on it
        backgrounded(lambda: run_due(db, client, utcnow(), public_url=public_url)),
        IntervalTrigger(seconds=TICK_SECONDS, timezone=UTC),
        id="due-work",
        replace_existing=True,
    )
    scheduler.start()
    return scheduler
