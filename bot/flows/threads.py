"""Keeping what people write in a grievance's or a check-in's thread.

A reply in a grievance thread goes on its timeline; one in a check-in's thread is an
answer to that check-in (and rescores the case's health). Edits and deletions follow the
message wherever it was kept. Each intent is one transaction; only a newcomer's profile
is asked of Slack, before it, so nobody's write waits on the Web API.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.playbook import answers, health, people, threads
from bot.playbook.grievances import find_by_message
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from storage.engine import Database
from storage.models import CheckinOccurrence, Grievance, Person


def keep_reply(
    db: Database,
    client: WebClient,
    *,
    home: Installation,
    channel: str,
    thread_ts: str,
    ts: str,
    user: str,
    text: str,
    now: datetime,
) -> None:
    """Store the reply if its thread is a grievance's or a check-in's.

    Someone the bot has met is stored in one transaction; only a newcomer's profile is
    looked up in Slack, outside any transaction, and the reply stored after that.
    """
    with db.transaction() as session:
        thread = _thread_of(session, channel, thread_ts)
        if thread is None:
            return
        workspace = people.ensure_workspace(session=session, team_id=home.key)
        author = people.find_person(session=session, workspace=workspace, user_id=user)
        if author is not None:
            _record(session, thread, ts, author, text, now)
            return
    profile = profile_of(client, user, home)
    with db.transaction() as session:
        thread = _thread_of(session, channel, thread_ts)
        workspace = people.ensure_workspace(session=session, team_id=home.key)
        author = people.ensure_person(session=session, workspace=workspace, profile=profile)
        if thread is not None:
            _record(session, thread, ts, author, text, now)


def keep_edit(db: Database, *, channel: str, ts: str, text: str) -> None:
    """An edited reply or check-in answer keeps its new words (with the edit on record)."""
    with db.transaction() as session:
        threads.record_edit(session=session, channel=channel, ts=ts, text=text)
        answers.record_edit(session=session, channel=channel, ts=ts, text=text)


def keep_deletion(db: Database, *, channel: str, ts: str) -> None:
    """A deleted reply or check-in answer is marked deleted where it was kept."""
    with db.transaction() as session:
        threads.record_deletion(session=session, channel=channel, ts=ts)
        answers.record_deletion(session=session, channel=channel, ts=ts)


def _thread_of(session: Session, channel: str, ts: str) -> Grievance | CheckinOccurrence | None:
    """The grievance or check-in whose message starts the thread at ``ts``, if any."""
    return find_by_message(session=session, channel=channel, ts=ts) or answers.find_by_message(
        session=session, channel=channel, ts=ts
    )


def _record(
    session: Session,
    thread: Grievance | CheckinOccurrence,
    ts: str,
    author: Person,
    text: str,
    now: datetime,
) -> None:
    """A grievance thread keeps the reply on the timeline; a check-in's takes it as an answer."""
    if isinstance(thread, Grievance):
        threads.record_reply(session=session, grievance=thread, ts=ts, author=author, text=text)
        return
    answers.record_reply(
        session=session, occurrence=thread, person=author, ts=ts, text=text, now=now
    )
    health.rescore(session=session, case=thread.schedule.case, now=now)
