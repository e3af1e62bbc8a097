"""Gathering what the health formula needs from a case: ratings, answers, buy-in, silence.

The database side of the score: it reads the case's posted check-ins, stakeholders,
strategy and grievance load into a ``HealthInputs`` and scores them, storing nothing,
and finds the client leaders who have gone silent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.playbook import load
from bot.playbook.anonymity import Crowd
from bot.playbook.answers import (
    AUDIENCE_SIDES,
    answers_to,
    aware,
    latest_ratings,
    posted_time,
    sides_of,
)
from bot.playbook.buyin import waiting_for
from bot.playbook.commitment_tally import case_today, case_zone, tally
from bot.playbook.health.formula import BuyIn, HealthInputs, HealthScore, score
from bot.playbook.load import GrievanceLoad
from bot.playbook.pulse_results import latest_answered, results
from bot.playbook.stakeholders import members
from bot.playbook.strategy import standing
from storage.models import (
    Audience,
    Case,
    CaseMember,
    CheckinOccurrence,
    CheckinSchedule,
    OccurrenceStatus,
    Role,
    Side,
    StrategyStatus,
)

#: How many recent check-ins confidence and the response rate look at.
RECENT_CHECKINS = 3
#: A check-in younger than this is still being answered: no response rate, no silence.
ANSWER_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Silence:
    """A client leader who answered neither of the last two check-ins that asked them."""

    person_id: int
    name: str
    user_id: str | None
    #: The two check-ins, older first.
    occurrence_ids: tuple[int, int]

    @property
    def notice_key(self) -> str:
        """Said once per silence: a new silence (a later check-in) is told again."""
        return f"{self.person_id}:{self.occurrence_ids[1]}"


#: Built once: every change that moves health reads it (see ``bot.playbook.people``).
_POSTED = (
    select(CheckinOccurrence)
    .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
    .where(
        CheckinSchedule.case_id == bindparam("case_id"),
        CheckinOccurrence.status == OccurrenceStatus.POSTED,
    )
)


def _posted_checkins(*, session: Session, case: Case) -> list[CheckinOccurrence]:
    """The case's posted check-ins, newest first."""
    found = session.scalars(_POSTED, {"case_id": case.id})
    return sorted(found, key=lambda o: (posted_time(o), o.id), reverse=True)


def _asks(audience: Audience, side: Side) -> bool:
    return side in AUDIENCE_SIDES[audience]


def silences(
    *,
    session: Session,
    case: Case,
    now: datetime,
    checkins: list[CheckinOccurrence] | None = None,
    stakeholders: list[CaseMember] | None = None,
) -> list[Silence]:
    """Client leaders silent on the last two check-ins that asked them (see the package).
    ``checkins`` and ``stakeholders``: the case's, when the caller has read them already."""
    if checkins is None:
        checkins = _posted_checkins(session=session, case=case)
    if stakeholders is None:
        stakeholders = members(session=session, case=case)
    settled = [o for o in checkins if posted_time(o) <= aware(now) - ANSWER_WINDOW]
    found: list[Silence] = []
    answered_by: dict[int, set[int]] = {}
    for member in stakeholders:
        if member.role is not Role.CLIENT_LEADER:
            continue
        joined = aware(member.created_at)
        asked = [
            o
            for o in settled
            if _asks(o.schedule.audience, Side.CLIENT) and posted_time(o) >= joined
        ][:2]
        if len(asked) < 2:
            continue
        for occurrence in asked:
            if occurrence.id not in answered_by:
                answered_by[occurrence.id] = {
                    a.person_id for a in answers_to(session=session, occurrence=occurrence)
                }
        if any(member.person_id in answered_by[o.id] for o in asked):
            continue
        found.append(
            Silence(
                person_id=member.person_id,
                name=member.person.display_name,
                user_id=member.person.slack_user_id,
                occurrence_ids=(asked[1].id, asked[0].id),
            )
        )
    return found


def _buyin(session: Session, case: Case) -> HealthInputs:
    """The buy-in part of the inputs: a lost buy-in counts as lost, never as reached."""
    current = standing(session=session, case=case)
    if current is None:
        return HealthInputs(buyin=BuyIn.NONE)
    if current.status is StrategyStatus.APPROVED:
        buyin = BuyIn.APPROVED
    elif current.status is StrategyStatus.LOST:
        buyin = BuyIn.LOST
    elif any(b.role is Role.CLIENT_LEADER for b in current.state.objectors()):
        buyin = BuyIn.OBJECTED
    else:
        buyin = BuyIn.PROPOSED
    return HealthInputs(
        buyin=buyin, strategy_version=current.version, buyin_waiting=waiting_for(current.state)
    )


def _checkin_inputs(
    session: Session,
    case: Case,
    now: datetime,
    checkins: list[CheckinOccurrence],
    stakeholders: list[CaseMember],
) -> HealthInputs:
    """Ratings by side over the recent check-ins, and the response rate of settled ones."""
    client: list[int] = []
    team: list[int] = []
    rated = 0
    for occurrence in checkins[:RECENT_CHECKINS]:
        ratings = latest_ratings(answers_to(session=session, occurrence=occurrence))
        rated += bool(ratings)
        # Someone who rated without being a stakeholder speaks for their own side.
        sides = sides_of(session=session, case=case, person_ids=(p for p, _q in ratings))
        for (person_id, _question), rating in ratings.items():
            (client if sides[person_id] is Side.CLIENT else team).append(rating)
    expected = given = 0
    settled = [o for o in checkins if posted_time(o) <= aware(now) - ANSWER_WINDOW]
    for occurrence in settled[:RECENT_CHECKINS]:
        audience = occurrence.schedule.audience
        asked = {
            m.person_id
            for m in stakeholders
            if _asks(audience, m.role.side)
            and aware(m.created_at) <= posted_time(occurrence)
            and m.person.slack_user_id
        }
        responded = {a.person_id for a in answers_to(session=session, occurrence=occurrence)}
        expected += len(asked | responded)
        given += len(responded)
    return HealthInputs(
        client_ratings=tuple(client),
        team_ratings=tuple(team),
        rated_checkins=rated,
        expected_answers=expected,
        given_answers=given,
        stakeholders=Crowd.of(m.role for m in stakeholders),
    )


@dataclass(frozen=True)
class Assessment:
    """A case's score now, what it was computed from, and who has gone silent."""

    inputs: HealthInputs
    score: HealthScore
    silent: list[Silence]


def assess(
    *, session: Session, case: Case, now: datetime, grievances: GrievanceLoad | None = None
) -> Assessment:
    """Compute the case's health at ``now`` without storing anything (``grievances``:
    the load when the caller has read it already)."""
    checkins = _posted_checkins(session=session, case=case)
    stakeholders = members(session=session, case=case)
    silent = silences(
        session=session, case=case, now=now, checkins=checkins, stakeholders=stakeholders
    )
    agreement = _buyin(session, case)
    promised = tally(
        session=session, case_id=case.id, today=case_today(case, now), zone=case_zone(case)
    )
    pulse = latest_answered(results(session=session, case_id=case.id))
    inputs = replace(
        _checkin_inputs(session, case, now, checkins, stakeholders),
        grievances=(
            load.summary(session=session, case_id=case.id, now=aware(now))
            if grievances is None
            else grievances
        ),
        buyin=agreement.buyin,
        strategy_version=agreement.strategy_version,
        buyin_waiting=agreement.buyin_waiting,
        silent_leaders=len(silent),
        commitments_kept=promised.kept,
        commitments_late=promised.late,
        commitments_overdue=promised.overdue,
        pulse=pulse[0] if pulse else None,
        pulse_before=pulse[1] if pulse else None,
    )
    return Assessment(inputs=inputs, score=score(inputs), silent=silent)
