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
at least a second apart. A post Slack refuses after its claim is marked failed, not
retried. A channel that is archived, or that the bot was removed from, pauses its
schedules and tells each owner once.

Each check-in is posted with a key of its own (``checkin-<occurrence id>``, in Slack
message metadata), the same from any process, so nothing is posted twice: when Slack's
answer is lost the client looks for the post by its key before trying again, and a run
that takes over an occurrence (below) looks for it first too.

A Slack outage is not a refusal: when Slack cannot be reached, answers 429 or 5xx past
the client's own retries, or does not answer in time, the claim is given back
(``retry``) and the next run takes it over, while the schedule's grace period lasts
(``grace_minutes``, an hour by default); past it the check-in is recorded missed (once
Slack shows it is not there) and its owner gets one DM, sent once Slack answers again.
A run that dies mid fan-out (a killed ``tick``) leaves its claims behind; once their
lease has run out (``playbook.LEASE``) the next run takes them over the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException

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
from bot.slack.faults import fault_of, is_outage
from bot.slack.messages import open_dm
from bot.slack.posts import find_post, post_metadata
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


#: A run's clock: the moment it runs for, moving on at real speed, so a long run renews
#: its leases with the time they are renewed at, even under ``tick --at``.
RunClock = Callable[[], datetime]


def _run_clock(moment: datetime) -> RunClock:
    started = time.monotonic()
    return lambda: moment + timedelta(seconds=time.monotonic() - started)


def post_key(occurrence_id: int) -> str:
    """The key an occurrence's check-in is posted with, whichever process posts it."""
    return f"checkin-{occurrence_id}"


@dataclass(frozen=True)
class _Claimed:
    """An occurrence this run won and must post; ``held`` is its claim's time, renewed
    before posting; ``taken_over`` when another run may have posted it already."""

    occurrence_id: int
    schedule_id: int
    channel: str
    held: datetime
    taken_over: bool = False


class _ChannelGone(Exception):
    """The channel refuses posts for good (archived, bot removed); ``str()`` is Slack's code."""


class _SlackDown(Exception):
    """Slack cannot take posts for now; ``str()`` is Slack's code, or ``unreachable``."""


def run(
    db: Database, client: WebClient, now: datetime, *, pacer: ChannelPacer | None = None
) -> int:
    """Claim and post every check-in due at ``now``; returns how many were posted (a
    taken-over one found already in Slack counts: it is recorded posted now)."""
    moment = as_utc(now)
    clock = _run_clock(moment)
    claimed = _take_back(db, client, clock)
    with db.transaction() as session:
        schedule_ids = playbook.walkable(session=session)
    for schedule_id in schedule_ids:
        try:
            claimed += _claim_due(db, schedule_id, moment)
        except Exception:  # one broken schedule must not stop the others; logged with traceback
            logger.exception("check-in schedule not walked", extra={"schedule_id": schedule_id})
    pacer = pacer or ChannelPacer()
    posted = _post_all(db, client, claimed, pacer, clock, moment) if claimed else 0
    _tell_missed(db, client)
    return posted


def _take_back(db: Database, client: WebClient, clock: RunClock) -> list[_Claimed]:
    """Take over what an outage released or a dead run left claimed; what is still in
    time is returned to post, the rest is settled now."""
    with db.transaction() as session:
        found = playbook.waiting(session=session, now=clock())
    claimed = []
    for item in found:
        try:
            held = clock()
            with db.transaction() as session:
                if not playbook.take_over(session=session, item=item, now=held):
                    continue  # another run took it
            taken = _Claimed(item.occurrence_id, item.schedule_id, item.channel_id, held, True)
            if item.expired:
                _settle_expired(db, client, taken, clock())
            else:
                claimed.append(taken)
        except Exception:  # one broken occurrence must not stop the others; logged with traceback
            logger.exception("check-in not taken back", extra={"occurrence_id": item.occurrence_id})
    return claimed


def _settle_expired(db: Database, client: WebClient, item: _Claimed, now: datetime) -> None:
    """Past its grace period: posted after all (its answer was lost), or missed. While
    Slack cannot say which, it is given back to ask again on the next run."""
    try:
        found = find_post(client, item.channel, post_key(item.occurrence_id))
    except (SlackApiError, OSError, HTTPException) as exc:
        if is_outage(exc):
            _release(db, item, _outage_code(exc))
            return
        found = None  # the channel cannot be read (archived, bot removed): nothing to find
    with db.transaction() as session:
        if found is not None:
            playbook.mark_posted(
                session=session,
                occurrence_id=item.occurrence_id,
                channel=item.channel,
                ts=str(found["ts"]),
                now=now,
            )
        elif playbook.give_up(session=session, occurrence_id=item.occurrence_id):
            logger.info(
                "check-in missed: Slack was unavailable past the grace period",
                extra={"occurrence_id": item.occurrence_id},
            )


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
            claimed.append(_Claimed(occurrence_id, schedule_id, walk.channel_id, now))
    with db.transaction() as session:
        playbook.advance(session=session, schedule_id=schedule_id, until=walk.until)
    return claimed


def _post_all(
    db: Database,
    client: WebClient,
    claimed: Sequence[_Claimed],
    pacer: ChannelPacer,
    clock: RunClock,
    now: datetime,
) -> int:
    """Post per channel, channels side by side."""
    by_channel: dict[str, list[_Claimed]] = {}
    for item in claimed:
        by_channel.setdefault(item.channel, []).append(item)
    if len(by_channel) == 1:
        [(channel, items)] = by_channel.items()
        return _post_channel(db, client, channel, items, pacer, clock, now)
    workers = min(MAX_WORKERS, len(by_channel))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="checkins") as pool:
        futures = [
            pool.submit(_post_channel, db, client, channel, items, pacer, clock, now)
            for channel, items in by_channel.items()
        ]
        return sum(future.result() for future in futures)


def _post_channel(
    db: Database,
    client: WebClient,
    channel: str,
    items: Sequence[_Claimed],
    pacer: ChannelPacer,
    clock: RunClock,
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
            posted += _post_one(db, client, item, pacer, clock, now)
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
    db: Database,
    client: WebClient,
    item: _Claimed,
    pacer: ChannelPacer,
    clock: RunClock,
    now: datetime,
) -> int:
    """Post one claimed check-in, if this run still holds it; 1 when it went out.

    An occurrence taken over from another run is looked for first: that run may have
    posted it without living to record so.
    """
    with db.transaction() as session:
        view = playbook.checkin_view(session=session, occurrence_id=item.occurrence_id)
    pacer.wait(item.channel)
    with db.transaction() as session:  # last thing before posting: a wait may be long
        held = playbook.renew(
            session=session, occurrence_id=item.occurrence_id, held=item.held, now=clock()
        )
    if not held:
        logger.info(
            "check-in left to the run that took it over",
            extra={"occurrence_id": item.occurrence_id},
        )
        return 0
    key = post_key(item.occurrence_id)
    try:
        found = find_post(client, item.channel, key) if item.taken_over else None
        answer = found or client.chat_postMessage(
            channel=item.channel,
            text=checkin_text(view),
            blocks=checkin_blocks(view),
            metadata=post_metadata(key),
        )
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
    except (OSError, HTTPException) as exc:  # unreachable, or no answer: its key tells later
        raise _SlackDown(_outage_code(exc)) from exc
    with db.transaction() as session:
        playbook.mark_posted(
            session=session,
            occurrence_id=item.occurrence_id,
            channel=str(answer.get("channel") or item.channel),
            ts=str(answer["ts"]),
            now=now,
        )
    return 1


def _outage_code(error: BaseException) -> str:
    """What an outage is called in the occurrence's error and the log."""
    if isinstance(error, SlackApiError):
        return fault_of(error).code
    return "no_answer" if isinstance(error, TimeoutError | HTTPException) else "unreachable"


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
    """Send ``text`` to ``user_id`` in the bot's direct message with them; a refusal is
    raised, for the caller to tell an outage from one person unreachable."""
    client.chat_postMessage(channel=open_dm(client, user_id), text=text)
