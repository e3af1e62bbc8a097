"""Keeping what people write in a grievance's or a check-in's thread.

A reply in a grievance thread goes on its timeline; one in a check-in's thread is an
answer to that check-in (and rescores the case's health). Edits and deletions follow the
message wherever it was kept. Each intent is one transaction, which also records the
event's delivery (``deliveries.claim``): a retry finds it and changes nothing. Only a
newcomer's profile is asked of Slack, between the read that finds them new and the write,
so nobody else's write waits on the Web API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy.orm import Session

from bot.playbook import answers, health, people, threads
from bot.playbook.deliveries import AlreadyHandled, Delivery, claim, once
from bot.playbook.grievances import find_by_message
from storage.engine import Database
from storage.models import CheckinOccurrence, Grievance, Person


class Kept(Enum):
    """What became of a thread reply."""

    KEPT = "kept"
    NOT_KEPT = "not kept"  # not in a thread the bot keeps, or a retry already kept
    NEWCOMER = "newcomer"  # by someone the bot never met: their profile is needed first


@dataclass(frozen=True)
class Reply:
    """A message in a thread, as an event delivered it."""

    team_key: str  # the author's workspace (``Installation.key``)
    channel: str
    thread_ts: str
    ts: str
    user: str
    text: str
    delivery: Delivery | None


def keep_reply(db: Database, reply: Reply, *, now: datetime) -> Kept:
    """Store the reply if its thread is a grievance's or a check-in's and its author is
    known; a thread nobody keeps takes no write at all."""
    with db.reading() as session:
        if _thread_of(session, reply.channel, reply.thread_ts) is None:
            return Kept.NOT_KEPT
    try:
        with db.transaction() as session:
            thread = _thread_of(session, reply.channel, reply.thread_ts)
            if thread is None:
                return Kept.NOT_KEPT
            workspace = people.ensure_workspace(session=session, team_id=reply.team_key)
            author = people.find_person(session=session, workspace=workspace, user_id=reply.user)
            if author is None:
                return Kept.NEWCOMER
            claim(session=session, delivery=reply.delivery, now=now)
            _record(session, thread, reply, author, now)
    except AlreadyHandled:
        return Kept.NOT_KEPT
    return Kept.KEPT


def keep_newcomer_reply(
    db: Database, reply: Reply, profile: people.Profile, *, now: datetime
) -> None:
    """Meet the reply's author with the ``profile`` Slack gave, and store the reply."""

    def meet_and_record(session: Session) -> None:
        thread = _thread_of(session, reply.channel, reply.thread_ts)
        workspace = people.ensure_workspace(session=session, team_id=reply.team_key)
        author = people.ensure_person(session=session, workspace=workspace, profile=profile)
        if thread is not None:
            _record(session, thread, reply, author, now)

    once(db, reply.delivery, now, meet_and_record)


def keep_edit(
    db: Database, *, channel: str, ts: str, text: str, delivery: Delivery | None, now: datetime
) -> None:
    """An edited reply or check-in answer keeps its new words (with the edit on record)."""

    def record(session: Session) -> None:
        threads.record_edit(session=session, channel=channel, ts=ts, text=text)
        answers.record_edit(session=session, channel=channel, ts=ts, text=text)

    once(db, delivery, now, record)


def keep_deletion(
    db: Database, *, channel: str, ts: str, delivery: Delivery | None, now: datetime
) -> None:
    """A deleted reply or check-in answer is marked deleted where it was kept."""

    def record(session: Session) -> None:
        threads.record_deletion(session=session, channel=channel, ts=ts)
        answers.record_deletion(session=session, channel=channel, ts=ts)

    once(db, delivery, now, record)


def _thread_of(session: Session, channel: str, ts: str) -> Grievance | CheckinOccurrence | None:
    """The grievance or check-in whose message starts the thread at ``ts``, if any."""
    return find_by_message(session=session, channel=channel, ts=ts) or answers.find_by_message(
        session=session, channel=channel, ts=ts
    )


def _record(
    session: Session,
    thread: Grievance | CheckinOccurrence,
    reply: Reply,
    author: Person,
    now: datetime,
) -> None:
    """A grievance thread keeps the reply on the timeline; a check-in's takes it as an answer."""
    ts, text = reply.ts, reply.text
    if isinstance(thread, Grievance):
        threads.record_reply(session=session, grievance=thread, ts=ts, author=author, text=text)
        return
    answers.record_reply(
        session=session, occurrence=thread, person=author, ts=ts, text=text, now=now
    )
    health.rescore(session=session, case=thread.schedule.case, now=now)
