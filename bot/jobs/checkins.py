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
at least a second apart. The price of claiming first is "at most once": a post Slack
refuses after its claim is marked failed, not retried, which beats posting twice.
A channel that is archived, or that the bot was removed from, pauses its schedules and
tells each owner once.

A Slack outage is not a refusal: when Slack cannot be reached, or answers 429 or 5xx
past the client's own retries, the claim is given back (``retry``) and the next run
claims it again, while the schedule's grace period lasts (``grace_minutes``, an hour by
default); past it the check-in is recorded missed and its owner gets one DM, sent once
Slack answers again. A timeout or a connection cut after the request went out may have
posted it, so that post is marked failed, not retried.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from http.client import HTTPException
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError

from bot.blocks.checkin import (
    checkin_blocks,
    checkin_text,
    missed_notice_text,
    paused_notice_text,
)
from bot.playbook import checkins as playbook
from bot.playbook.schedules import as_utc
from bot.slack_faults import fault_of, is_outage
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


class _SlackDown(Exception):
    """Slack cannot take posts for now; ``str()`` is Slack's code, or ``unreachable``."""


def run(
    db: Database, client: WebClient, now: datetime, *, pacer: ChannelPacer | None = None
) -> int:
    """Claim and post every check-in due at ``now``; returns how many were posted."""
    moment = as_utc(now)
    claimed = _take_back(db, moment)
    with db.transaction() as session:
        schedule_ids = playbook.walkable(session=session)
    for schedule_id in schedule_ids:
        try:
            claimed += _claim_due(db, schedule_id, moment)
        except Exception:  # one broken schedule must not stop the others; logged with traceback
            logger.exception("check-in schedule not walked", extra={"schedule_id": schedule_id})
    posted = _post_all(db, client, claimed, pacer or ChannelPacer(), moment) if claimed else 0
    _tell_missed(db, client)
    return posted


def _take_back(db: Database, now: datetime) -> list[_Claimed]:
    """Claim again what an outage released, while in time; record the rest missed."""
    with db.transaction() as session:
        found = playbook.waiting(session=session, now=now)
    claimed = []
    for item in found:
        try:
            with db.transaction() as session:
                if item.expired:
                    if playbook.give_up(session=session, occurrence_id=item.occurrence_id):
                        logger.info(
                            "check-in missed: Slack was unavailable past the grace period",
                            extra={"occurrence_id": item.occurrence_id},
                        )
                elif playbook.reclaim(session=session, occurrence_id=item.occurrence_id, now=now):
                    claimed.append(_Claimed(item.occurrence_id, item.schedule_id, item.channel_id))
        except Exception:  # one broken occurrence must not stop the others; logged with traceback
            logger.exception("check-in not taken back", extra={"occurrence_id": item.occurrence_id})
    return claimed


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
    """Post one channel's check-ins in order; once the channel is gone, fail the rest, and
    once Slack is down, give the rest back for a later run."""
    posted = 0
    gone: str | None = None
    down: str | None = None
    for item in items:
        if gone is not None:
            _fail(db, item, gone)
            _stop_schedule(db, client, item, gone)
            continue
        if down is not None:
            _release(db, item, down)
            continue
        try:
            posted += _post_one(db, client, item, pacer, now)
        except _ChannelGone as exc:
            gone = str(exc)
        except _SlackDown as exc:
            down = str(exc)
            logger.warning(
                "check-in not posted: Slack is unavailable, a later run retries it",
                extra={"occurrence_id": item.occurrence_id, "channel": channel, "error": down},
            )
            _release(db, item, down)
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
    except URLError as exc:  # no connection was made, so nothing was posted: safe to retry
        raise _SlackDown("unreachable") from exc
    except SlackApiError as exc:
        if is_outage(exc):
            raise _SlackDown(fault_of(exc).code) from exc
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


def _release(db: Database, item: _Claimed, error: str) -> None:
    with db.transaction() as session:
        playbook.release(session=session, occurrence_id=item.occurrence_id, error=error)


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
        _dm(client, notice.owner_user_id, paused_notice_text(notice))
    except SlackApiError as exc:
        logger.warning(
            "schedule owner not told of the pause",
            extra={"schedule_id": item.schedule_id, "error": exc.response.get("error")},
        )


def _tell_missed(db: Database, client: WebClient) -> None:
    """DM each owner, once, about a check-in an outage made them miss.

    The ``Notice`` row is the claim, committed before the DM; when Slack is still
    unavailable it is given back, so the run after Slack returns tells them.
    """
    with db.transaction() as session:
        occurrence_ids = playbook.untold_misses(session=session)
    for occurrence_id in occurrence_ids:
        try:
            with db.transaction() as session:
                notice = playbook.claim_missed_notice(session=session, occurrence_id=occurrence_id)
        except IntegrityError:
            continue  # another run is telling them
        if not notice.owner_user_id:
            continue
        try:
            _dm(client, notice.owner_user_id, missed_notice_text(notice))
        except (SlackApiError, OSError, HTTPException) as exc:
            if not is_outage(exc):
                logger.warning(
                    "schedule owner not told of the missed check-in",
                    extra={"occurrence_id": occurrence_id, "error": fault_of(exc).code},
                )
                continue
            with db.transaction() as session:
                playbook.unclaim_missed_notice(session=session, occurrence_id=occurrence_id)
            return  # Slack is still down: the next run tells everyone left


def _dm(client: WebClient, user_id: str, text: str) -> None:
    """Send ``text`` to ``user_id`` in the bot's direct message with them."""
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=dm, text=text)
