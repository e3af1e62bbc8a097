"""Closing a case, reopening it, and the stakeholders' final ratings: one transaction each.

Listeners hand over who acted and what they chose, and get back plain values (the
playbook's ``ClosingCheck``, ``Closed``, ``Reopened``, ``RatingCard`` or the small
results below) to render; no ORM row leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.scope import case_and_actor
from bot.playbook import access, people
from bot.playbook import closing as playbook
from bot.playbook.closing import Closed, RatingCard, Reopened
from bot.playbook.closing_check import ClosingCheck, check_before_closing, may_close
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile
from bot.vocabulary import ClosingOutcome
from storage.engine import Database
from storage.models import Case

#: Said alike for a case that does not exist and one the person may not reach.
CASE_GONE = "This case no longer exists."


@dataclass(frozen=True)
class ClosingStart:
    """The case a lead asked to close, and where it stands, for the closing form."""

    case_id: int
    channel_id: str
    check: ClosingCheck


@dataclass(frozen=True)
class ReopenedBy:
    """A reopened case: what changed, who reopened it and the client's name."""

    outcome: Reopened
    by: str
    client_name: str


@dataclass(frozen=True)
class RatingSaved:
    """A final rating just stored, as the thanks and the leads' DMs show it."""

    client_name: str
    score: int
    anonymous: bool
    #: The rater as anyone may see them (never by name when anonymous).
    who: str
    comment: str | None
    #: The leads to tell, without the rater themself.
    leads: tuple[str, ...]


def start_closing(
    db: Database, *, team_id: str, channel_id: str, caller: Profile, now: datetime
) -> ClosingStart:
    """Refuse anyone who may not close the channel's case; else where the case stands."""
    with db.transaction() as session:
        found = case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        may_close(session=session, case=found.case, actor=found.person)
        check = check_before_closing(session=session, case=found.case, now=now)
        return ClosingStart(found.case.id, found.case.channel_id, check)


def close(
    db: Database,
    *,
    case_id: int,
    lead: Profile,
    outcome: ClosingOutcome,
    confirmed: bool,
    now: datetime,
) -> Closed:
    """Commit the closing with ``outcome``; ``UnconfirmedRecovery`` when it needs confirming."""
    with db.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise PlaybookError(CASE_GONE)
        actor = people.ensure_person(session=session, workspace=case.workspace, profile=lead)
        return playbook.close_case(
            session=session, case=case, actor=actor, now=now, outcome=outcome, confirmed=confirmed
        )


def recheck(db: Database, *, case_id: int, now: datetime) -> ClosingCheck:
    """Where the case stands now (the facts changed since the closing form opened)."""
    with db.transaction() as session:
        return check_before_closing(session=session, case=session.get_one(Case, case_id), now=now)


def reopen_here(
    db: Database, *, team_id: str, channel_id: str, caller: Profile, now: datetime
) -> ReopenedBy:
    """A lead reopens the channel's closed case."""
    with db.transaction() as session:
        found = case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        outcome = playbook.reopen_case(
            session=session, case=found.case, actor=found.person, now=now
        )
        return ReopenedBy(outcome, found.person.display_name, found.case.client_name)


def reopen_by_id(
    db: Database,
    *,
    case_id: int,
    lead: Profile,
    team_id: str,
    acted_in: str | None,
    now: datetime,
) -> ReopenedBy:
    """A lead reopens the case a button names, if they may reach it from where they acted."""
    with db.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise PlaybookError(CASE_GONE)
        access.require_in_scope(
            session=session,
            case=case,
            person=people.find_person(
                session=session, workspace=case.workspace, user_id=lead.user_id
            ),
            team_id=team_id,
            channel_id=acted_in,
            gone=CASE_GONE,
        )
        actor = people.ensure_person(session=session, workspace=case.workspace, profile=lead)
        outcome = playbook.reopen_case(session=session, case=case, actor=actor, now=now)
        return ReopenedBy(outcome, actor.display_name, case.client_name)


def rating_card(db: Database, *, rating_id: int, user_id: str) -> RatingCard:
    """The rating ``user_id`` was asked for, if it is theirs and still open."""
    with db.transaction() as session:
        return playbook.rating_card(session=session, rating_id=rating_id, user_id=user_id)


def save_rating(
    db: Database,
    *,
    rating_id: int,
    user_id: str,
    score: object,
    comment: str | None,
    anonymous: bool,
    now: datetime,
) -> RatingSaved:
    """Store someone's final rating; what to thank them with and tell the leads."""
    with db.transaction() as session:
        rating = playbook.save_rating(
            session=session,
            rating_id=rating_id,
            user_id=user_id,
            score=score,
            comment=comment,
            anonymous=anonymous,
            now=now,
        )
        case = session.get_one(Case, rating.case_id)
        leads = tuple(
            lead.slack_user_id
            for lead in access.leads_of(session=session, case=case)
            if lead.slack_user_id and lead.slack_user_id != user_id
        )
        return RatingSaved(
            client_name=case.client_name,
            score=rating.rating or 0,
            anonymous=rating.anonymous,
            who=playbook.rater_label(session=session, rating=rating),
            comment=rating.comment,
            leads=leads,
        )
