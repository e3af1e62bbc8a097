"""Client pulse intents: see its results, set its cadence, ask now, answer.

Each owns its transaction and hands back plain values, rendered by ``bot.blocks.pulse``.
The job that sends rounds on the cadence is ``bot.jobs.pulse``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.flows import scope
from bot.playbook import access, people, pulse
from bot.playbook.commitment_tally import case_zone
from bot.playbook.errors import PlaybookError
from bot.playbook.pulse import Answered, Asked, Comment
from bot.playbook.pulse_results import RoundResult, results
from storage.engine import Database
from storage.models import Case


@dataclass(frozen=True)
class PulseView:
    """A case's pulse: its cadence, the next round, every round's result, and the latest
    words (only when a lead reads it: None otherwise)."""

    client_name: str
    cadence: str
    next_due: datetime | None
    zone: ZoneInfo
    rounds: tuple[RoundResult, ...]
    comments: tuple[Comment, ...] | None


def show(db: Database, *, team_id: str, channel_id: str, caller: people.Profile) -> PulseView:
    """The channel's case's pulse; anyone who may read the case may see its averages."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        access.require(
            session=session, case=found.case, person=found.person, action=access.Action.VIEW_HISTORY
        )
        lead = access.role_of(session=session, case=found.case, person=found.person) in (
            access.LEADS
        )
        comments = pulse.latest_comments(session=session, case=found.case) if lead else None
        return _view(session, found.case, None if comments is None else tuple(comments))


def change(
    db: Database, *, team_id: str, channel_id: str, caller: people.Profile, args: str
) -> tuple[str, PulseView]:
    """A lead sets the cadence; what changed, and the pulse as it now stands."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        said = pulse.set_cadence(session=session, case=found.case, actor=found.person, args=args)
        return said, _view(session, found.case, None)


def send_now(
    db: Database, *, team_id: str, channel_id: str, caller: people.Profile, now: datetime
) -> Asked:
    """A lead asks the client side at once (the cadence counts on from now)."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        asked = pulse.start_round(session=session, case=found.case, now=now, by=found.person)
        if asked is None:  # only a concurrent round claimed the number first
            raise PlaybookError("A pulse was sent a moment ago; it is on its way.")
        return asked


def _view(session: Session, case: Case, comments: tuple[Comment, ...] | None) -> PulseView:
    return PulseView(
        client_name=case.client_name,
        cadence=pulse.cadence_words(case),
        next_due=pulse.due_after(case, pulse.last_sent(session=session, case=case)),
        zone=case_zone(case),
        rounds=tuple(results(session=session, case_id=case.id)),
        comments=comments,
    )


@dataclass(frozen=True)
class PulseCard:
    """What the comment form needs: which case, and the rating so far."""

    client_name: str
    rating: int | None


def card(db: Database, *, reply_id: int, user_id: str, team_id: str) -> PulseCard:
    """The reply ``user_id`` was asked for, if it is theirs and still open."""
    with db.transaction() as session:
        reply = pulse.own_reply(
            session=session, reply_id=reply_id, user_id=user_id, team_id=team_id
        )
        return PulseCard(reply.round.case.client_name, reply.rating)


def answer(
    db: Database,
    *,
    reply_id: int,
    user_id: str,
    team_id: str,
    rating: object,
    comment: str | None = None,
    keep_comment: bool = False,
    now: datetime,
) -> Answered:
    """Keep an answer (a button keeps the comment; the form replaces it)."""
    with db.transaction() as session:
        return pulse.answer(
            session=session,
            reply_id=reply_id,
            user_id=user_id,
            team_id=team_id,
            rating=rating,
            comment=comment,
            keep_comment=keep_comment,
            now=now,
        )
