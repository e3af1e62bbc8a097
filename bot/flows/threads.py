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
from storage.engine import Database
from storage.models import CheckinOccurrence, Person


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
    known; a thread nobody keeps takes no write at all. A grievance's reply is the most
    frequent write of all: one read finds the thread and the author, one write records
    the delivery and the reply."""
    with db.reading() as session:
        grievance_id = threads.thread_of(session=session, channel=reply.channel, ts=reply.thread_ts)
        if grievance_id is None and _checkin_of(session, reply) is None:
            return Kept.NOT_KEPT
        author = people.known_id(session=session, team_id=reply.team_key, user_id=reply.user)
    if author is None:
        # Slack is answered before the newcomer is met: their workspace is written now, so
        # that a database that takes no writes is refused for Slack to deliver it again.
        with db.transaction() as session:
            people.ensure_workspace(session=session, team_id=reply.team_key)
        return Kept.NEWCOMER
    try:
        with db.transaction() as session:
            claim(session=session, delivery=reply.delivery, now=now)
            if grievance_id is not None:
                _record_reply(session, grievance_id, reply, author, now)
                return Kept.KEPT
            occurrence = _checkin_of(session, reply)
            if occurrence is not None:
                _record_answer(session, occurrence, reply, session.get_one(Person, author), now)
    except AlreadyHandled:
        return Kept.NOT_KEPT
    return Kept.KEPT


def keep_newcomer_reply(
    db: Database, reply: Reply, profile: people.Profile, *, now: datetime
) -> None:
    """Meet the reply's author with the ``profile`` Slack gave, and store the reply."""

    def meet_and_record(session: Session) -> None:
        workspace = people.ensure_workspace(session=session, team_id=reply.team_key)
        author = people.ensure_person(session=session, workspace=workspace, profile=profile)
        grievance_id = threads.thread_of(session=session, channel=reply.channel, ts=reply.thread_ts)
        if grievance_id is not None:
            _record_reply(session, grievance_id, reply, author.id, now)
        elif (occurrence := _checkin_of(session, reply)) is not None:
            _record_answer(session, occurrence, reply, author, now)

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


def _checkin_of(session: Session, reply: Reply) -> CheckinOccurrence | None:
    """The check-in whose message starts the reply's thread, if any."""
    return answers.find_by_message(session=session, channel=reply.channel, ts=reply.thread_ts)


def _record_reply(
    session: Session, grievance_id: int, reply: Reply, author: int, now: datetime
) -> None:
    """A reply in a grievance's thread goes on its timeline."""
    threads.record_reply(
        session=session,
        grievance_id=grievance_id,
        ts=reply.ts,
        author=author,
        text=reply.text,
        now=now,
    )


def _record_answer(
    session: Session, occurrence: CheckinOccurrence, reply: Reply, author: Person, now: datetime
) -> None:
    """A reply in a check-in's thread is an answer to it, which moves the case's health."""
    answers.record_reply(
        session=session, occurrence=occurrence, person=author, ts=reply.ts, text=reply.text, now=now
    )
    health.rescore(session=session, case=occurrence.schedule.case, now=now)
