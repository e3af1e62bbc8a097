"""Who sent a request, as the bot knows them, without asking Slack."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.playbook.people import Caller, Profile, as_known, known_profile
from bot.slack.identity import Installation
from bot.slack.lookup import profile_of
from storage.engine import Database


def known_or_provisional(db: Database, team_id: str, user_id: str, name: object) -> Profile:
    """Who sent a request, without asking Slack (the acknowledgement never waits on it):
    as stored when the bot knows them, else what the request tells (their id and
    ``name``, on the client side, unconfirmed until Slack's profile after the ack)."""
    with db.reading() as session:  # no writer's turn: an acknowledgement only reads here
        return as_known(session=session, team_id=team_id, caller=Caller(user_id, name))


def caller_profile(db: Database, client: WebClient, user_id: str, home: Installation) -> Profile:
    """The caller's profile, from the database when the bot knows them.

    Every Web API call before the acknowledgement eats into Slack's 3 seconds, so
    ``users.info`` is asked only about people met for the first time. Call this *before*
    opening a write transaction.
    """
    with db.reading() as session:
        known = known_profile(session=session, team_id=home.key, user_id=user_id)
    return known or profile_of(client, user_id, home)
