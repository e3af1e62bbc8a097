"""Who sent a request, as the bot knows them, without asking Slack."""

from __future__ import annotations

from bot.playbook.people import Profile, known_profile, provisional_profile
from storage.engine import Database


def known_or_provisional(db: Database, team_id: str, user_id: str, name: object) -> Profile:
    """Who sent a request, without asking Slack (the acknowledgement never waits on it):
    as stored when the bot knows them, else what the request tells (their id and
    ``name``, on the client side, unconfirmed until Slack's profile after the ack)."""
    with db.reading() as session:  # no writer's turn: an acknowledgement only reads here
        known = known_profile(session=session, team_id=team_id, user_id=user_id)
    return known or provisional_profile(user_id, name)
