"""Check-ins as people use them: rating a question on a posted check-in.

Each intent owns its transaction and hands the listener plain values (``answers.Rated``,
``CheckinView``), never rows. Someone the bot has not met is looked up in Slack between
two transactions, so no write waits on the Web API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.playbook import access, answers, checkins, health, people
from bot.playbook.checkins import CheckinView
from bot.playbook.errors import PlaybookError
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from storage.engine import Database
from storage.models import CheckinOccurrence

#: Said alike for a check-in that does not exist and one the person may not reach.
CHECKIN_GONE = "This check-in no longer exists."


@dataclass(frozen=True)
class RatingGiven:
    """What a press did, and whether the check-in shows who gave which rating."""

    rated: answers.Rated
    open_tally: bool


@dataclass(frozen=True)
class PostedCheckin:
    """A posted check-in's message and what it shows now (its current tally)."""

    channel: str
    ts: str
    view: CheckinView


def rate(
    db: Database,
    client: WebClient,
    *,
    home: Installation,
    user_id: str,
    channel_id: str | None,
    press: answers.RatingPress,
    now: datetime,
) -> RatingGiven:
    """Store one press and rescore the case's health, in one transaction.

    The check-in must be in the person's reach from where they pressed (``CHECKIN_GONE``
    otherwise); someone met for the first time is looked up first, because their side
    decides whether the check-in asks them.
    """
    with db.transaction() as session:
        occurrence = session.get(CheckinOccurrence, press.occurrence_id)
        if occurrence is None:
            raise PlaybookError(CHECKIN_GONE)
        case = occurrence.schedule.case
        known = people.find_person(session=session, workspace=case.workspace, user_id=user_id)
        access.require_in_scope(
            session=session,
            case=case,
            person=known,
            team_id=home.key,
            channel_id=channel_id,
            gone=CHECKIN_GONE,
        )
    profile = None if known else profile_of(client, user_id, home)
    with db.transaction() as session:
        occurrence = session.get_one(CheckinOccurrence, press.occurrence_id)
        case = occurrence.schedule.case
        person = (
            people.ensure_person(session=session, workspace=case.workspace, profile=profile)
            if profile
            else people.find_person(session=session, workspace=case.workspace, user_id=user_id)
        )
        if person is None:
            raise PlaybookError("I couldn't tell who you are; please try again.")
        rated = answers.rate(
            session=session,
            occurrence=occurrence,
            person=person,
            question_index=press.question_index,
            rating=press.rating,
            now=now,
        )
        health.rescore(session=session, case=case, now=now)
        return RatingGiven(rated=rated, open_tally=occurrence.schedule.open_tally)


def posted_checkin(db: Database, occurrence_id: int) -> PostedCheckin | None:
    """The check-in's message and current view; None when it was never posted."""
    with db.transaction() as session:
        occurrence = session.get_one(CheckinOccurrence, occurrence_id)
        channel, ts = occurrence.slack_channel, occurrence.slack_ts
        view = checkins.checkin_view(session=session, occurrence_id=occurrence_id)
    if not (channel and ts):
        return None
    return PostedCheckin(channel=channel, ts=ts, view=view)
