"""Post every due check-in exactly once, at Slack's pace, whatever else is failing.

For each running schedule, ``run(now)`` walks the due times between the schedule's
cursor (``checked_until``) and ``now``. Each is claimed in its own transaction by
inserting its occurrence row: the unique ``(schedule_id, due_at)`` key lets one run win
and makes every other run (a second process, a repeated tick, a restart) get an
``IntegrityError`` and leave it alone. Due times older than the grace period are
recorded as skipped, not posted; the cursor then moves forward, never back, so a clock
that jumps back finds nothing due.

Only then are the claimed check-ins posted: one worker per channel, so a channel that
is slow (a 429 being waited out) or broken holds up no other, and posts to one channel
at least a second apart. The price of claiming first is "at most once": a post that
fails after its claim is marked failed, not retried, which beats posting twice.
A channel that is archived, or that the bot was removed from, pauses its schedules and
tells each owner once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError

from bot.blocks.checkin import checkin_blocks, checkin_text, paused_notice_text
from bot.playbook import checkins as playbook
from bot.playbook.schedules import as_utc
from storage.engine import Database

logger = logging.getLogger("grievance_bot.jobs.checkins")

#: Slack allows about one message per second per channel.
POST_SPACING = 1.0
#: Channels posted to at once.
MAX_WORKERS = 8


class ChannelPacer:
    """Keeps posts to the same channel ``spacing`` seconds apart; other channels never wait."""

    def __init__(
        self,
        spacing: float = POST_SPACING,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.spacing = spacing
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        """Return when a post to ``channel`` keeps to the pace; note it as the latest."""
        with self._lock:
            last = self._last.get(channel)
        if last is not None:
            delay = last + self.spacing - self._clock()
            if delay > 0:
                self._sleep(delay)
        with self._lock:
            self._last[channel] = self._clock()


@dataclass(frozen=True)
class _Claimed:
    """An occurrence this run won and must post."""

    occurrence_id: int
    schedule_id: int
    channel: str


class _ChannelGone(Exception):
    """The channel refuses posts for good (archived, bot removed); ``str()`` is Slack's code."""


def run(
    db: Database, client: WebClient, now: datetime, *, pacer: ChannelPacer | None = None
) -> int:
    """Claim and post every check-in due at ``now``; returns how many were posted."""
    moment = as_utc(now)
    with db.transaction() as session:
        schedule_ids = playbook.walkable(session=session)
    claimed: list[_Claimed] = []
    for schedule_id in schedule_ids:
        try:
            claimed += _claim_due(db, schedule_id, moment)
        except Exception:  # one broken schedule must not stop the others; logged with traceback
            logger.exception("check-in schedule not walked", extra={"schedule_id": schedule_id})
    if not claimed:
        return 0
    return _post_all(db, client, claimed, pacer or ChannelPacer(), moment)


def next_due(db: Database, after: datetime) -> datetime | None:
    """When the next check-in falls due after ``after``."""
    with db.transaction() as session:
        return playbook.next_due_at(session=session, after=as_utc(after))


def _claim_due(db: Database, schedule_id: int, now: datetime) -> list[_Claimed]:
    """Claim (or skip) what is due for one schedule, then move its cursor on."""
    with db.transaction() as session:
        walk = playbook.walk(session=session, schedule_id=schedule_id, now=now)
    if walk is None:
        return []
    claimed = []
    for due in walk.due:
        try:
            with db.transaction() as session:
                occurrence_id = playbook.claim(
                    session=session, schedule_id=schedule_id, due=due, now=now
                )
        except IntegrityError:
            continue  # another run has this occurrence
        if due.missed:
            logger.info(
                "check-in missed beyond the grace period, skipped",
                extra={"schedule_id": schedule_id, "due_at": due.at.isoformat()},
            )
        else:
            claimed.append(_Claimed(occurrence_id, schedule_id, walk.channel_id))
    with db.transaction() as session:
        playbook.advance(session=session, schedule_id=schedule_id, until=walk.until)
    return claimed


def _post_all(
    db: Database, client: WebClient, claimed: Sequence[_Claimed], pacer: ChannelPacer, now: datetime
) -> int:
    """Post per channel, channels side by side."""
    by_channel: dict[str, list[_Claimed]] = {}
    for item in claimed:
        by_channel.setdefault(item.channel, []).append(item)
    if len(by_channel) == 1:
        [(channel, items)] = by_channel.items()
        return _post_channel(db, client, channel, items, pacer, now)
    workers = min(MAX_WORKERS, len(by_channel))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="checkins") as pool:
        futures = [
            pool.submit(_post_channel, db, client, channel, items, pacer, now)
            for channel, items in by_channel.items()
        ]
        return sum(future.result() for future in futures)


def _post_channel(
    db: Database,
    client: WebClient,
    channel: str,
    items: Sequence[_Claimed],
    pacer: ChannelPacer,
    now: datetime,
) -> int:
    """Post one channel's check-ins in order; once the channel is gone, fail the rest."""
    posted = 0
    gone: str | None = None
    for item in items:
        if gone is not None:
            _fail(db, item, gone)
            _stop_schedule(db, client, item, gone)
            continue
        try:
            posted += _post_one(db, client, item, pacer, now)
        except _ChannelGone as exc:
            gone = str(exc)
        except Exception:  # a bug in one post must not stop the others; logged with traceback
            logger.exception("check-in not posted", extra={"occurrence_id": item.occurrence_id})
            _fail(db, item, "internal_error")
    return posted


def _post_one(
    db: Database, client: WebClient, item: _Claimed, pacer: ChannelPacer, now: datetime
) -> int:
    """Post one claimed check-in; 1 when it went out."""
    with db.transaction() as session:
        view = playbook.checkin_view(session=session, occurrence_id=item.occurrence_id)
    pacer.wait(item.channel)
    try:
        answer = client.chat_postMessage(
            channel=item.channel, text=checkin_text(view), blocks=checkin_blocks(view)
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "unknown_error")
        logger.warning(
            "check-in not posted",
            extra={"occurrence_id": item.occurrence_id, "channel": item.channel, "error": error},
        )
        _fail(db, item, error)
        if error in playbook.CHANNEL_PROBLEMS:
            _stop_schedule(db, client, item, error)
            raise _ChannelGone(error) from exc
        return 0
    with db.transaction() as session:
        playbook.mark_posted(
            session=session,
            occurrence_id=item.occurrence_id,
            channel=str(answer["channel"]),
            ts=str(answer["ts"]),
            now=now,
        )
    return 1


def _fail(db: Database, item: _Claimed, error: str) -> None:
    with db.transaction() as session:
        playbook.mark_failed(session=session, occurrence_id=item.occurrence_id, error=error)


def _stop_schedule(db: Database, client: WebClient, item: _Claimed, error: str) -> None:
    """Pause the schedule and tell its owner, once (the notice row is the claim)."""
    try:
        with db.transaction() as session:
            notice = playbook.stop_for_channel(
                session=session, schedule_id=item.schedule_id, error=error
            )
    except IntegrityError:
        return  # another run paused it and is telling the owner
    if notice is None or not notice.owner_user_id:
        return
    try:
        dm = client.conversations_open(users=notice.owner_user_id)["channel"]["id"]
        client.chat_postMessage(channel=dm, text=paused_notice_text(notice))
    except SlackApiError as exc:
        logger.warning(
            "schedule owner not told of the pause",
            extra={"schedule_id": item.schedule_id, "error": exc.response.get("error")},
        )
