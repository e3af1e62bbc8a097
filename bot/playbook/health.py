"""A case's health: one score from 0 to 100, explained, with its trend.

The formula (``score``, pure) weighs five components, each first turned into a
"goodness" between 0 and 1:

==================  ======  ==============================================================
component           weight  goodness
==================  ======  ==============================================================
client confidence   30      (average client-side rating − 1) / 4, over the ratings given to
                            the last 3 posted check-ins (each person's latest per question)
team confidence     10      the same for the delivery team's ratings
open grievances     30      1 / (1 + load / 8), where load = Σ severity × (1 + age / 14 d),
                            the age counted up to 28 days: an old critical grievance weighs
                            three times a fresh one (kept as running totals per case,
                            ``bot.playbook.load``, so it costs the same at any size)
response rate       15      answers given / answers expected over the last 3 check-ins at
                            least a day old (expected: the audience when it was posted,
                            plus anyone who answered anyway)
buy-in              15      latest strategy approved 1.0 · proposed 0.5 · none yet 0.3 ·
                            a client leader objects 0.2 · buy-in reached, then lost 0.2
==================  ======  ==============================================================

A component without data (no ratings yet, no check-ins old enough) is left out and the
other weights are scaled up to 100, so a new case is not punished for what nobody could
have done yet. Each component contributes ``weight × goodness`` points (scaled).

**Silence is a risk signal**: a client leader who has answered neither of the last two
check-ins that asked them (posted after they joined, and at least a day old) costs 10
points, up to 20. The leads are told once per silence (``Notice`` kind "silence", key
"<person_id>:<later check-in id>"); everyone else only hears that "a client leader has
not answered the last two check-ins", and only when there are at least three client
leaders (else "someone on the client side", when that side has three; else nobody is
pointed at): with one client leader, "a client leader" would name them.

``recompute`` stores a ``HealthSnapshot`` only when the value changed, so the snapshots
are the score's history (the trend, the digest's chart). The trend compares the current
value with the last snapshot a week old or more, else with the previous snapshot.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.playbook import load
from bot.playbook.anonymity import ROLE_SPEAKERS, Crowd
from bot.playbook.answers import (
    AUDIENCE_SIDES,
    answers_to,
    aware,
    latest_ratings,
    posted_time,
    sides_of,
)
from bot.playbook.buyin import waiting_for
from bot.playbook.load import GrievanceLoad
from bot.playbook.stakeholders import members
from bot.playbook.strategy import standing
from bot.playbook.timeline import Kind, record
from storage.models import (
    Audience,
    Case,
    CaseMember,
    CheckinOccurrence,
    CheckinSchedule,
    HealthSnapshot,
    Notice,
    OccurrenceStatus,
    Role,
    Side,
    StrategyStatus,
)

logger = logging.getLogger("grievance_bot.health")

WEIGHTS: dict[str, float] = {
    "client_confidence": 30,
    "team_confidence": 10,
    "grievances": 30,
    "response": 15,
    "buyin": 15,
}
LABELS: dict[str, str] = {
    "client_confidence": "Client confidence",
    "team_confidence": "Team confidence",
    "grievances": "Open grievances",
    "response": "Check-in response rate",
    "buyin": "Buy-in",
    "silence": "Silence",
}
#: How many recent check-ins confidence and the response rate look at.
RECENT_CHECKINS = 3
#: A check-in younger than this is still being answered: no response rate, no silence.
ANSWER_WINDOW = timedelta(days=1)
#: The grievance load at which that component is worth half its weight.
HALF_LOAD = 8.0
SILENCE_POINTS = 10
SILENCE_CAP = 20
#: A change smaller than this is shown as steady (→).
STEADY = 3
NOTICE_SILENCE = "silence"


class BuyIn(enum.StrEnum):
    """Where agreement on the recovery strategy stands."""

    NONE = "none"
    PROPOSED = "proposed"
    OBJECTED = "objected"
    APPROVED = "approved"
    #: It was reached, then the votes that count stopped satisfying the rule.
    LOST = "lost"


BUYIN_GOODNESS = {
    BuyIn.APPROVED: 1.0,
    BuyIn.PROPOSED: 0.5,
    BuyIn.NONE: 0.3,
    BuyIn.OBJECTED: 0.2,
    BuyIn.LOST: 0.2,
}


@dataclass(frozen=True)
class HealthInputs:
    """Everything ``score`` needs, gathered from the case (or written by a test)."""

    client_ratings: Sequence[int] = ()
    team_ratings: Sequence[int] = ()
    #: How many check-ins the ratings come from (for the explanation).
    rated_checkins: int = 0
    #: The open, non-confidential grievances (``bot.playbook.load``).
    grievances: GrievanceLoad = field(default_factory=GrievanceLoad)
    expected_answers: int = 0
    given_answers: int = 0
    buyin: BuyIn = BuyIn.NONE
    strategy_version: int | None = None
    #: What a lost buy-in waits for, by side and count (never a name: everyone reads it).
    buyin_waiting: str = ""
    silent_leaders: int = 0
    #: The stakeholders by role, among whom a silent client leader must hide.
    stakeholders: Crowd = field(default_factory=Crowd)


@dataclass(frozen=True)
class HealthScore:
    """The value, the points each component contributed, and why, in words."""

    value: int
    #: Component name → points (silence is negative); components without data are absent.
    components: dict[str, float]
    reasons: list[str] = field(default_factory=list)


def _average(ratings: Sequence[int]) -> float | None:
    return sum(ratings) / len(ratings) if ratings else None


def _confidence_reason(label: str, average: float, checkins: int) -> str:
    over = "the last check-in" if checkins == 1 else f"the last {checkins} check-ins"
    return f"{label} is {average:.1f}/5 over {over}"


def _grievance_reason(grievances: GrievanceLoad) -> str:
    if not grievances.count:
        return "No open grievances"
    noun = "open grievance" if grievances.count == 1 else "open grievances"
    days = int(grievances.oldest_days)
    age = "today" if grievances.oldest_days < 1 else f"for {days} day{'s' if days != 1 else ''}"
    return f"{grievances.count} {noun}, the most severe {grievances.worst}/4, the oldest open {age}"


def _buyin_reason(buyin: BuyIn, version: int | None, waiting: str) -> str:
    if buyin is BuyIn.NONE:
        return "No recovery strategy proposed yet"
    name = f"Strategy v{version}" if version else "The strategy"
    if buyin is BuyIn.APPROVED:
        return f"{name} is approved"
    if buyin is BuyIn.LOST:
        return f"{name}: buy-in lost — waiting for {waiting or 'it to be reached again'}"
    if buyin is BuyIn.OBJECTED:
        return f"A client leader objects to {name.lower()}"
    return f"{name} is waiting for buy-in"


def silence_sentence(count: int, stakeholders: Crowd) -> str:
    """What everyone may hear about silence: never a name, nor a group that names them."""
    speaker = stakeholders.speaker(Role.CLIENT_LEADER)
    if speaker is None:
        return "Silence on the last two check-ins costs points; the leads know more"
    if count == 1:
        return f"{speaker.capitalize()} has not answered the last two check-ins"
    group = (
        "client leaders"
        if speaker == ROLE_SPEAKERS[Role.CLIENT_LEADER]
        else ("people on the client side")
    )
    return f"{count} {group} have not answered the last two check-ins"


def score(inputs: HealthInputs) -> HealthScore:
    """The health of a case from ``inputs``: see the module docstring for the formula."""
    goodness: dict[str, float] = {}
    reasons: list[str] = []
    client, team = _average(inputs.client_ratings), _average(inputs.team_ratings)
    if client is not None:
        goodness["client_confidence"] = (client - 1) / 4
        reasons.append(_confidence_reason("Client confidence", client, inputs.rated_checkins))
    if team is not None:
        goodness["team_confidence"] = (team - 1) / 4
        reasons.append(_confidence_reason("Team confidence", team, inputs.rated_checkins))
    if client is None and team is None:
        reasons.append("No check-in ratings yet, so confidence is not counted")
    goodness["grievances"] = 1 / (1 + inputs.grievances.load / HALF_LOAD)
    reasons.append(_grievance_reason(inputs.grievances))
    if inputs.expected_answers > 0:
        rate = min(inputs.given_answers / inputs.expected_answers, 1.0)
        goodness["response"] = rate
        reasons.append(
            f"{inputs.given_answers} of {inputs.expected_answers} expected check-in answers "
            f"given ({rate:.0%})"
        )
    goodness["buyin"] = BUYIN_GOODNESS[inputs.buyin]
    reasons.append(_buyin_reason(inputs.buyin, inputs.strategy_version, inputs.buyin_waiting))

    total_weight = sum(WEIGHTS[name] for name in goodness)
    components = {
        name: round(100 * WEIGHTS[name] * value / total_weight, 1)
        for name, value in goodness.items()
    }
    if inputs.silent_leaders > 0:
        components["silence"] = -float(min(SILENCE_POINTS * inputs.silent_leaders, SILENCE_CAP))
        reasons.append(silence_sentence(inputs.silent_leaders, inputs.stakeholders))
    value = round(sum(components.values()))
    return HealthScore(value=max(0, min(100, value)), components=components, reasons=reasons)


# ---- trend (pure) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """How the score moved: ↑, ↓ or →, by how much, and since when (None: no history)."""

    arrow: str
    delta: int
    since: datetime | None

    @classmethod
    def between(cls, current: int, baseline: int | None, since: datetime | None) -> Trend:
        """Compare ``current`` with an earlier value; small moves count as steady."""
        if baseline is None:
            return cls("→", 0, None)
        delta = current - baseline
        arrow = "↑" if delta >= STEADY else "↓" if delta <= -STEADY else "→"
        return cls(arrow, delta, since)


# ---- gathering the inputs -----------------------------------------------------------------


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


def _posted_checkins(*, session: Session, case: Case) -> list[CheckinOccurrence]:
    """The case's posted check-ins, newest first."""
    found = session.scalars(
        select(CheckinOccurrence)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(
            CheckinSchedule.case_id == case.id,
            CheckinOccurrence.status == OccurrenceStatus.POSTED,
        )
    )
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
    """Client leaders silent on the last two check-ins that asked them (see the docstring).
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
    )
    return Assessment(inputs=inputs, score=score(inputs), silent=silent)


# ---- snapshots ----------------------------------------------------------------------------


def latest_snapshot(*, session: Session, case: Case) -> HealthSnapshot | None:
    """The case's most recent snapshot, if its health was ever computed."""
    return session.scalar(
        select(HealthSnapshot)
        .where(HealthSnapshot.case_id == case.id)
        .order_by(HealthSnapshot.id.desc())
        .limit(1)
    )


def store(*, session: Session, case: Case, result: HealthScore, now: datetime) -> HealthSnapshot:
    """Keep ``result`` as a snapshot unless the latest one has the same value."""
    previous = latest_snapshot(session=session, case=case)
    if previous is not None and previous.score == result.value:
        return previous
    snapshot = HealthSnapshot(
        case_id=case.id,
        score=result.value,
        components=json.dumps({"points": result.components, "reasons": result.reasons}),
        computed_at=aware(now),
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def recompute(*, session: Session, case: Case, now: datetime) -> HealthSnapshot:
    """Compute the case's health and store a snapshot if the value changed; the latest.

    Called by whatever changed an input, in its own transaction (filing or moving a
    grievance, a vote, a strategy, a check-in answer) and by the scheduler as time passes
    (grievances age, check-ins settle): there is no hidden hook."""
    grievances = load.current(session=session, case_id=case.id, now=aware(now))
    return store(
        session=session,
        case=case,
        result=assess(session=session, case=case, now=now, grievances=grievances).score,
        now=now,
    )


def rescore(*, session: Session, case: Case, now: datetime) -> None:
    """``recompute`` for whatever just changed an input, in the change's own transaction:
    in a SAVEPOINT, its errors logged and never raised, because a bug in the score must
    not lose the grievance, vote or answer that moved it."""
    try:
        with session.begin_nested():
            recompute(session=session, case=case, now=now)
    except Exception:  # the change itself must still commit; logged with its traceback
        logger.exception("health recompute failed", extra={"case_id": case.id})


def trend(*, session: Session, case: Case, now: datetime, current: int) -> Trend:
    """``current`` against a week ago (the last snapshot at least 7 days old), else against
    the snapshot before the latest."""
    week_ago = session.scalar(
        select(HealthSnapshot)
        .where(
            HealthSnapshot.case_id == case.id,
            HealthSnapshot.computed_at <= aware(now) - timedelta(days=7),
        )
        .order_by(HealthSnapshot.id.desc())
        .limit(1)
    )
    if week_ago is not None:
        return Trend.between(current, week_ago.score, aware(week_ago.computed_at))
    recent = list(
        session.scalars(
            select(HealthSnapshot)
            .where(HealthSnapshot.case_id == case.id)
            .order_by(HealthSnapshot.id.desc())
            .limit(2)
        )
    )
    if len(recent) < 2:
        return Trend.between(current, None, None)
    return Trend.between(current, recent[1].score, aware(recent[1].computed_at))


@dataclass(frozen=True)
class HealthReport:
    """What ``/grievance status`` and the App Home show of a case's health."""

    score: HealthScore
    trend: Trend
    silent: list[Silence]
    #: What everyone but the leads may read about ``silent``.
    silence: str = ""


def report(*, session: Session, case: Case, now: datetime) -> HealthReport:
    """Recompute (storing a snapshot if the value moved) and explain, with the trend."""
    found = assess(session=session, case=case, now=now)
    store(session=session, case=case, result=found.score, now=now)
    return HealthReport(
        score=found.score,
        trend=trend(session=session, case=case, now=now, current=found.score.value),
        silent=found.silent,
        silence=silence_sentence(len(found.silent), found.inputs.stakeholders),
    )


# ---- saying things once -------------------------------------------------------------------


def claim_notice(*, session: Session, case: Case, kind: str, key: str) -> bool:
    """Take the right to say something once; False when it was said (or claimed) already.

    A SAVEPOINT holds the INSERT so a lost race (the unique case+kind+key constraint)
    leaves the caller's transaction usable.
    """
    try:
        with session.begin_nested():
            session.add(Notice(case_id=case.id, kind=kind, key=key[:120]))
    except IntegrityError:
        return False
    return True


def note_silence(*, session: Session, case: Case, silence: Silence) -> None:
    """Put the silence on the timeline, visible to leads only (it names the person)."""
    entry = record(
        session=session,
        case=case,
        kind=Kind.SILENCE_NOTICED,
        author=None,
        text=f"{silence.name} (client leader) has not answered the last two check-ins; "
        "the leads were told",
    )
    entry.confidential = True
