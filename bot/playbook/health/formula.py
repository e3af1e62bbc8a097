"""The health formula, pure: the inputs in, a score from 0 to 100 and its reasons out.

Kept apart from the database so the weights, the goodness of each component, what
silence costs and how a trend reads can be tested (and read) on plain values; the
formula itself is described in :mod:`bot.playbook.health`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.playbook.anonymity import ROLE_SPEAKERS, Crowd
from bot.playbook.load import GrievanceLoad
from bot.playbook.pulse_results import RoundResult, change_words
from bot.vocabulary import plural
from storage.models import Role

WEIGHTS: dict[str, float] = {
    "client_confidence": 30,
    "team_confidence": 10,
    "grievances": 30,
    "response": 15,
    "buyin": 15,
    "commitments": 10,
    "pulse": 15,
}
LABELS: dict[str, str] = {
    "client_confidence": "Client confidence",
    "team_confidence": "Team confidence",
    "grievances": "Open grievances",
    "response": "Check-in response rate",
    "buyin": "Buy-in",
    "commitments": "Commitments",
    "pulse": "Client pulse",
    "silence": "Silence",
}
#: The grievance load at which that component is worth half its weight.
HALF_LOAD = 8.0
SILENCE_POINTS = 10
SILENCE_CAP = 20
#: A change smaller than this is shown as steady (→).
STEADY = 3


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
    #: Commitments the client side may see whose day has come: kept on time, done late,
    #: still open past it.
    commitments_kept: int = 0
    commitments_late: int = 0
    commitments_overdue: int = 0
    #: The newest client pulse round anyone answered, and the answered one before it.
    pulse: RoundResult | None = None
    pulse_before: RoundResult | None = None


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


def _commitments_reason(inputs: HealthInputs) -> str:
    due = inputs.commitments_kept + inputs.commitments_late + inputs.commitments_overdue
    noun = "commitment" if due == 1 else "commitments"
    late = f", {inputs.commitments_late} done late" if inputs.commitments_late else ""
    overdue = f", {inputs.commitments_overdue} overdue" if inputs.commitments_overdue else ""
    return f"{inputs.commitments_kept} of {due} {noun} due so far kept on time{late}{overdue}"


def _pulse_reason(now: RoundResult, before: RoundResult | None) -> str:
    moved = change_words(now, before)
    return (
        f"Client pulse #{now.number} is {now.average or 0:.1f}/5 from "
        f"{plural(now.answered, 'person', 'people')}{', ' + moved if moved else ''}"
    )


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
    """The health of a case from ``inputs``: see ``bot.playbook.health`` for the formula."""
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
    due = inputs.commitments_kept + inputs.commitments_late + inputs.commitments_overdue
    if due:
        goodness["commitments"] = inputs.commitments_kept / due
        reasons.append(_commitments_reason(inputs))
    if inputs.pulse is not None and inputs.pulse.average is not None:
        goodness["pulse"] = (inputs.pulse.average - 1) / 4
        reasons.append(_pulse_reason(inputs.pulse, inputs.pulse_before))

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
