"""What the digest says: the week's and the case's numbers, read into plain values.

Grievances raised and resolved (confidential ones left out: the digest is posted in the
channel), response rates per side, confidence per success measure week by week, the
strategy and its buy-in, the health score and the next check-in, for the Block Kit
builder and the chart to render without touching the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.playbook import perception
from bot.playbook.answers import Rating, ratings
from bot.playbook.buyin import state_of
from bot.playbook.checkins import rule_of
from bot.playbook.commitment_tally import Tally, case_today, case_zone, tally
from bot.playbook.digest.schedule import WEEK, DigestSchedule, as_utc, schedule_of
from bot.playbook.history import OPEN_STATUSES
from bot.playbook.perception import CategoryView
from bot.playbook.pulse_results import RoundResult, results
from bot.playbook.schedules import next_due
from bot.playbook.stakeholders import members
from bot.playbook.strategy import latest
from bot.playbook.targets import ResponseTime, case_hours, response_times, timings_of
from bot.playbook.timeline import Kind
from storage.models import (
    Audience,
    Case,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    Grievance,
    HealthSnapshot,
    OccurrenceStatus,
    Side,
    Stage,
    Status,
    StrategyStatus,
    TimelineEntry,
)

#: How many weeks of confidence and health the chart shows (the text lists the last four).
TREND_WEEKS = 12
#: Which sides a check-in's audience asks.
AUDIENCE_SIDES: dict[Audience, tuple[Side, ...]] = {
    Audience.EVERYONE: (Side.CLIENT, Side.TEAM),
    Audience.CLIENT: (Side.CLIENT,),
    Audience.TEAM: (Side.TEAM,),
}


@dataclass(frozen=True)
class GrievanceCounts:
    """Grievances raised and resolved this week and in total (confidential ones left out)."""

    raised_week: int
    resolved_week: int
    raised_total: int
    resolved_total: int
    open_now: int


@dataclass(frozen=True)
class ResponseRate:
    """How many of the people a week's check-ins asked on one side answered."""

    side: Side
    answered: int
    asked: int

    @property
    def percent(self) -> int | None:
        """Rounded; None when nobody on this side was asked."""
        return round(100 * self.answered / self.asked) if self.asked else None


@dataclass(frozen=True)
class MeasureTrend:
    """The client side's average rating of one check-in question (a success measure), week
    by week, and the team side's latest, kept apart: the client's confidence is the one
    that tells whether the recovery works."""

    question: str
    #: The client side's ``(start of the week, average rating 1–5)``, oldest first.
    weeks: list[tuple[date, float]]
    #: The team side's newest weekly average, if the team rated it.
    team: float | None = None

    @property
    def change(self) -> float | None:
        """Newest minus the week before, when there is one."""
        return self.weeks[-1][1] - self.weeks[-2][1] if len(self.weeks) > 1 else None


@dataclass(frozen=True)
class StrategyLine:
    """Where the current strategy version and its buy-in stand."""

    version: int
    status: StrategyStatus
    approved_at: datetime | None
    missing: list[str]
    approvals: dict[Side, int]
    actions_done: int
    actions_total: int
    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class DigestData:
    """Everything a digest shows, read in one transaction."""

    client_name: str
    stage: Stage
    period_start: datetime
    period_end: datetime
    timezone: str
    counts: GrievanceCounts
    rates: list[ResponseRate]
    checkins_this_week: int
    measures: list[MeasureTrend]
    strategy: StrategyLine | None
    health: int | None
    health_before: int | None
    health_series: list[tuple[datetime, int]]
    next_checkin: datetime | None
    next_checkin_timezone: str | None
    schedule: DigestSchedule
    #: The client side's confidence per question, week by week (the chart's lines).
    confidence_series: dict[str, list[tuple[date, float]]] = field(default_factory=dict)
    #: Each side's newest weekly average of every rating; the client's is the headline.
    confidence: dict[Side, float | None] = field(default_factory=dict)
    perception: list[CategoryView] = field(default_factory=list)
    #: The commitments the client side may see, as they stand at the period's end.
    commitments: Tally = field(default_factory=Tally)
    #: How fast grievances were answered, per severity and side (never a confidential one).
    response: list[ResponseTime] = field(default_factory=list)
    #: Every client pulse round so far, oldest first (averages only: everyone reads this).
    pulse: list[RoundResult] = field(default_factory=list)

    @property
    def pulse_series(self) -> list[tuple[datetime, float]]:
        """The answered rounds of the chart's weeks, as (sent, average) points."""
        since = self.period_end - TREND_WEEKS * WEEK
        return [
            (r.sent_at, r.average)
            for r in self.pulse
            if r.average is not None and r.sent_at >= since
        ]


def _count(session: Session, *conditions: object) -> int:
    query = select(func.count()).select_from(Grievance).where(*conditions)  # type: ignore[arg-type]
    return int(session.scalar(query) or 0)


def _resolved_ids_between(session: Session, case: Case, start: datetime, end: datetime) -> set[int]:
    """Grievances whose move to resolved was recorded in ``[start, end)`` (still resolved)."""
    rows = session.execute(
        select(TimelineEntry.grievance_id, TimelineEntry.text).where(
            TimelineEntry.case_id == case.id,
            TimelineEntry.kind == Kind.STATUS_CHANGED.value,
            TimelineEntry.grievance_id.is_not(None),
            TimelineEntry.created_at >= start,
            TimelineEntry.created_at < end,
        )
    ).all()
    moved = {gid for gid, text in rows if text.endswith(f"→ {Status.RESOLVED.value}")}
    if not moved:
        return set()
    return set(
        session.scalars(
            select(Grievance.id).where(
                Grievance.id.in_(moved),
                Grievance.status == Status.RESOLVED,
                Grievance.confidential.is_(False),
            )
        )
    )


def grievance_counts(
    *, session: Session, case: Case, start: datetime, end: datetime
) -> GrievanceCounts:
    """Raised and resolved in ``[start, end)`` and in total; open now."""
    public = (Grievance.case_id == case.id, Grievance.confidential.is_(False))
    return GrievanceCounts(
        raised_week=_count(
            session, *public, Grievance.created_at >= start, Grievance.created_at < end
        ),
        resolved_week=len(_resolved_ids_between(session, case, start, end)),
        raised_total=_count(session, *public),
        resolved_total=_count(session, *public, Grievance.status == Status.RESOLVED),
        open_now=_count(session, *public, Grievance.status.in_(OPEN_STATUSES)),
    )


def response_rates(
    *, session: Session, case: Case, start: datetime, end: datetime
) -> tuple[list[ResponseRate], int]:
    """Per side: stakeholders asked by the check-ins posted in ``[start, end)``, and answered.

    Each occurrence asks the current stakeholders of its audience's sides; someone
    answering counts once per occurrence, whatever they answered.
    """
    occurrences = session.execute(
        select(CheckinOccurrence.id, CheckinSchedule.audience)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(
            CheckinSchedule.case_id == case.id,
            CheckinOccurrence.status == OccurrenceStatus.POSTED,
            CheckinOccurrence.due_at >= start,
            CheckinOccurrence.due_at < end,
        )
    ).all()
    by_side: dict[Side, set[int]] = {Side.CLIENT: set(), Side.TEAM: set()}
    for member in members(session=session, case=case):
        by_side[member.role.side].add(member.person_id)
    answered_by: dict[int, set[int]] = defaultdict(set)
    if occurrences:
        for occurrence_id, person_id in session.execute(
            select(CheckinAnswer.occurrence_id, CheckinAnswer.person_id).where(
                CheckinAnswer.occurrence_id.in_([o.id for o in occurrences])
            )
        ):
            answered_by[occurrence_id].add(person_id)
    asked = {Side.CLIENT: 0, Side.TEAM: 0}
    answered = {Side.CLIENT: 0, Side.TEAM: 0}
    for occurrence_id, audience in occurrences:
        for side in AUDIENCE_SIDES[audience]:
            asked[side] += len(by_side[side])
            answered[side] += len(by_side[side] & answered_by[occurrence_id])
    rates = [ResponseRate(side, answered[side], asked[side]) for side in (Side.CLIENT, Side.TEAM)]
    return rates, len(occurrences)


def of_side(rated: Iterable[Rating], side: Side) -> list[tuple[str, datetime, int]]:
    """The ratings ``side`` gave, as ``(question, when asked, rating)``: sides never average
    together."""
    return [(r.question, r.when, r.value) for r in rated if r.side is side]


def week_start(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday of ``moment``'s week, on the local calendar."""
    local = as_utc(moment).astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def weekly_averages(
    rows: Iterable[tuple[str, datetime, int]], zone: ZoneInfo
) -> dict[str, list[tuple[date, float]]]:
    """Average rating per question per local week, oldest week first (pure)."""
    sums: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for question, when, rating in rows:
        sums[question][week_start(when, zone)].append(rating)
    return {
        question: [(week, sum(r) / len(r)) for week, r in sorted(weeks.items())]
        for question, weeks in sums.items()
    }


def overall_weekly(
    rows: Iterable[tuple[str, datetime, int]], zone: ZoneInfo
) -> list[tuple[date, float]]:
    """Average of every rating per local week, oldest first (the case's overall confidence)."""
    return weekly_averages(((("all", when, rating) for _q, when, rating in rows)), zone).get(
        "all", []
    )


def health_series(*, session: Session, case: Case) -> list[tuple[datetime, int]]:
    """Every health score of the case, oldest first."""
    rows = session.execute(
        select(HealthSnapshot.computed_at, HealthSnapshot.score)
        .where(HealthSnapshot.case_id == case.id)
        .order_by(HealthSnapshot.computed_at, HealthSnapshot.id)
    ).all()
    return [(as_utc(at), int(score)) for at, score in rows]


def _score_before(series: Sequence[tuple[datetime, int]], moment: datetime) -> int | None:
    earlier = [score for at, score in series if at < moment]
    return earlier[-1] if earlier else None


def next_checkin(*, session: Session, case: Case, now: datetime) -> tuple[datetime, str] | None:
    """The case's next check-in across its active schedules, with that schedule's zone.

    Each schedule's rule (days, every-N-weeks, holidays, a dated pause) is the check-in
    playbook's, so the digest promises exactly what the check-in job will do.
    """
    found: list[tuple[datetime, str]] = []
    for schedule in session.scalars(
        select(CheckinSchedule).where(
            CheckinSchedule.case_id == case.id, CheckinSchedule.paused.is_(False)
        )
    ):
        try:
            when = next_due(rule_of(schedule), now)
        except (ValueError, KeyError):  # an unreadable schedule promises nothing
            continue
        if when is not None:
            found.append((as_utc(when), schedule.timezone))
    return min(found) if found else None


def strategy_line(*, session: Session, case: Case) -> StrategyLine | None:
    """The current version, its buy-in and how many of its actions are done."""
    current = latest(session=session, case=case)
    if current is None:
        return None
    state = state_of(session=session, strategy=current)
    actions = list(current.actions)
    return StrategyLine(
        version=current.version,
        status=current.status,
        approved_at=as_utc(current.approved_at) if current.approved_at else None,
        missing=list(state.missing),
        approvals={side: len(state.approvals.get(side, [])) for side in (Side.CLIENT, Side.TEAM)},
        actions_done=sum(1 for a in actions if a.done_at is not None),
        actions_total=len(actions),
        channel=current.slack_channel,
        ts=current.slack_ts,
    )


def gather(*, session: Session, case: Case, now: datetime) -> DigestData:
    """Read the week ending ``now`` and the case so far into plain values."""
    end = as_utc(now)
    start = end - WEEK
    schedule = schedule_of(case)
    rates, checkins = response_rates(session=session, case=case, start=start, end=end)
    rated = ratings(session=session, case=case)
    client, team = of_side(rated, Side.CLIENT), of_side(rated, Side.TEAM)
    client_trends = weekly_averages(client, schedule.zone)
    team_trends = weekly_averages(team, schedule.zone)
    recent = {q: weeks[-TREND_WEEKS:] for q, weeks in client_trends.items()}
    measures = [
        MeasureTrend(q, recent.get(q, []), _newest(team_trends.get(q, [])))
        for q in sorted(set(client_trends) | set(team_trends))
    ]
    series = health_series(session=session, case=case)
    upcoming = next_checkin(session=session, case=case, now=end)
    return DigestData(
        client_name=case.client_name,
        stage=case.stage,
        period_start=start,
        period_end=end,
        timezone=schedule.timezone,
        counts=grievance_counts(session=session, case=case, start=start, end=end),
        rates=rates,
        checkins_this_week=checkins,
        measures=measures,
        strategy=strategy_line(session=session, case=case),
        health=series[-1][1] if series else None,
        health_before=_score_before(series, start),
        health_series=[(at, score) for at, score in series if at >= end - TREND_WEEKS * WEEK],
        next_checkin=upcoming[0] if upcoming else None,
        next_checkin_timezone=upcoming[1] if upcoming else None,
        schedule=schedule,
        confidence_series=recent,
        confidence={
            Side.CLIENT: _newest(overall_weekly(client, schedule.zone)),
            Side.TEAM: _newest(overall_weekly(team, schedule.zone)),
        },
        perception=perception.gather(session=session, case=case),
        commitments=tally(
            session=session, case_id=case.id, today=case_today(case, end), zone=case_zone(case)
        ),
        response=response_times(timings_of(session=session, case=case), case_hours(case)),
        pulse=results(session=session, case_id=case.id),
    )


def _newest(weeks: Sequence[tuple[date, float]]) -> float | None:
    return weeks[-1][1] if weeks else None
