"""Closing a case with the outcome a lead chose, and reopening it if it was too soon.

Closing is a moment to show the whole arc: what was raised and resolved, where confidence
and health started and ended, which strategy versions were tried and who bought in. Every
stakeholder is then asked for a final 1–5 rating and a comment, anonymous if they wish
(the row keeps who answered, so nobody rates twice, but nothing the bot shows names them).
The case's check-ins stop: schedules are paused with the reason ``CLOSED_REASON``, so
reopening resumes exactly those and leaves alone any a lead had paused for other reasons.
Closing and reopening flip the case with a conditional UPDATE, so two leads closing it at
the same moment close it once. Only the "recovered" outcome moves the stage to recovered;
it needs confirming when ``bot.playbook.closing_check`` finds facts against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.answers import ratings
from bot.playbook.buyin import state_of
from bot.playbook.closing_check import (
    ALREADY_CLOSED,
    OUTCOME_LABELS,
    UnconfirmedRecovery,
    check_before_closing,
    may_close,
)
from bot.playbook.digest import as_utc, health_series, of_side, overall_weekly, schedule_of
from bot.playbook.errors import PlaybookError
from bot.playbook.history import OPEN_STATUSES
from bot.playbook.insights import Insights
from bot.playbook.said import said
from bot.playbook.stages import STAGE_LABELS
from bot.playbook.stakeholders import members
from bot.playbook.timeline import Kind, record
from storage.models import (
    Case,
    CheckinSchedule,
    ClosingOutcome,
    FinalRating,
    Grievance,
    Person,
    Side,
    Stage,
    Status,
    Strategy,
    StrategyStatus,
)

CLOSED_REASON = "case closed"
MAX_COMMENT = 3000
RATINGS = (1, 2, 3, 4, 5)


# ---- the summary ------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionLine:
    """One strategy version and its buy-in, for the before-and-after."""

    version: int
    status: StrategyStatus
    approved_at: datetime | None
    approvals: dict[Side, int]
    objections: dict[Side, int]
    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class ClosingSummary:
    """The arc of a case, from the day it opened to now (confidential grievances left out).

    ``concerns`` are the facts against a recovery that a lead confirmed closing over; the
    message states them rather than letting "recovered" stand alone.
    """

    client_name: str
    outcome: ClosingOutcome | None
    opened_at: datetime
    closed_at: datetime
    raised: int
    resolved: int
    withdrawn: int
    still_open: int
    confidence_start: float | None
    confidence_now: float | None
    health_start: int | None
    health_now: int | None
    versions: list[VersionLine]
    concerns: tuple[str, ...] = ()
    #: What the client side told us, in its words and with its source (``what``, ``source``):
    #: what mattered most, how it measures success, what used to go well.
    told_us: tuple[tuple[str, str, str], ...] = ()

    @property
    def days(self) -> int:
        """How long the recovery took, in whole days."""
        return max((self.closed_at - self.opened_at).days, 0)


def _counts(session: Session, case: Case) -> dict[Status, int]:
    statuses = session.scalars(
        select(Grievance.status).where(
            Grievance.case_id == case.id, Grievance.confidential.is_(False)
        )
    )
    counts: dict[Status, int] = dict.fromkeys(Status, 0)
    for status in statuses:
        counts[status] += 1
    return counts


def _versions(session: Session, case: Case) -> list[VersionLine]:
    lines = []
    for strategy in session.scalars(
        select(Strategy).where(Strategy.case_id == case.id).order_by(Strategy.version)
    ):
        state = state_of(session=session, strategy=strategy)
        lines.append(
            VersionLine(
                version=strategy.version,
                status=strategy.status,
                approved_at=as_utc(strategy.approved_at) if strategy.approved_at else None,
                approvals={s: len(state.approvals.get(s, [])) for s in (Side.CLIENT, Side.TEAM)},
                objections={s: len(state.objections.get(s, [])) for s in (Side.CLIENT, Side.TEAM)},
                channel=strategy.slack_channel,
                ts=strategy.slack_ts,
            )
        )
    return lines


def summary(
    *, session: Session, case: Case, now: datetime, concerns: tuple[str, ...] = ()
) -> ClosingSummary:
    """Before and after: grievances, confidence (first and latest week), health, versions."""
    counts = _counts(session, case)
    client = of_side(ratings(session=session, case=case), Side.CLIENT)
    weekly = overall_weekly(client, schedule_of(case).zone)
    health = health_series(session=session, case=case)
    return ClosingSummary(
        client_name=case.client_name,
        outcome=case.closing_outcome,
        opened_at=as_utc(case.created_at),
        closed_at=as_utc(case.closed_at) if case.closed_at else as_utc(now),
        raised=sum(counts.values()),
        resolved=counts[Status.RESOLVED],
        withdrawn=counts[Status.WITHDRAWN],
        still_open=sum(counts[s] for s in OPEN_STATUSES),
        confidence_start=weekly[0][1] if weekly else None,
        confidence_now=weekly[-1][1] if weekly else None,
        health_start=health[0][1] if health else None,
        health_now=health[-1][1] if health else None,
        versions=_versions(session, case),
        concerns=concerns,
        told_us=_told_us(said(session=session, case=case, side=Side.CLIENT)),
    )


def _told_us(client: Insights) -> tuple[tuple[str, str, str], ...]:
    """The client side's top words of each kind, with where and when they were said."""
    return tuple(
        (kind, item.text, item.source)
        for kind, items in (
            ("mattered most", client.cares_about),
            ("is how they measure success", client.success_measures),
            ("used to go well", client.went_well),
        )
        for item in items[:2]
    )


# ---- closing and reopening --------------------------------------------------------------


@dataclass(frozen=True)
class RatingRequest:
    """A stakeholder to ask for a final rating by DM."""

    rating_id: int
    user_id: str
    name: str


@dataclass(frozen=True)
class Closed:
    """What closing did: the summary to post, whom to ask, how many check-ins stopped."""

    summary: ClosingSummary
    requests: list[RatingRequest]
    paused: int
    old_stage: Stage
    channel: str


def _ask_for_ratings(session: Session, case: Case, now: datetime) -> list[RatingRequest]:
    """One rating per stakeholder in Slack; whoever already rated (an earlier closing) isn't
    asked again."""
    requests = []
    for member in members(session=session, case=case):
        person = member.person
        if not person.slack_user_id:
            continue
        rating = session.scalar(
            select(FinalRating).where(
                FinalRating.case_id == case.id, FinalRating.person_id == person.id
            )
        )
        if rating is None:
            rating = FinalRating(case_id=case.id, person_id=person.id, requested_at=now)
            session.add(rating)
            session.flush()
        elif rating.answered_at is not None:
            continue
        else:
            rating.requested_at = now
        requests.append(RatingRequest(rating.id, person.slack_user_id, person.display_name))
    return requests


def close_case(
    *,
    session: Session,
    case: Case,
    actor: Person,
    now: datetime,
    outcome: ClosingOutcome,
    confirmed: bool = False,
) -> Closed:
    """A lead closes the case with ``outcome``: check-ins stopped, stakeholders asked to rate.

    "Recovered" against the data (``closing_check``) is refused unless ``confirmed``; once
    confirmed, the facts against it travel with the summary so the channel hears them.
    """
    may_close(session=session, case=case, actor=actor)
    concerns: tuple[str, ...] = ()
    if outcome is ClosingOutcome.RECOVERED:
        concerns = check_before_closing(session=session, case=case, now=now).concerns
        if concerns and not confirmed:
            raise UnconfirmedRecovery(concerns)
    old = case.stage
    stage = Stage.RECOVERED if outcome is ClosingOutcome.RECOVERED else old
    flipped = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.closed_at.is_(None), Case.stage != Stage.RECOVERED)
        .values(stage=stage, closed_at=now, closing_outcome=outcome, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if flipped.rowcount != 1:  # closed already, perhaps by another lead a moment ago
        raise PlaybookError(ALREADY_CLOSED)
    session.refresh(case)
    paused = 0
    for schedule in session.scalars(
        select(CheckinSchedule).where(
            CheckinSchedule.case_id == case.id, CheckinSchedule.paused.is_(False)
        )
    ):
        schedule.paused, schedule.paused_reason = True, CLOSED_REASON
        paused += 1
    session.flush()
    closed_by = f"case closed by {actor.display_name}"
    record(
        session=session,
        case=case,
        kind=Kind.STAGE_CHANGED,
        author=actor,
        text=f"Stage: {STAGE_LABELS[old]} → {STAGE_LABELS[stage]} ({closed_by})"
        if stage is not old
        else f"{OUTCOME_LABELS[outcome]}: {closed_by}, while {STAGE_LABELS[old]}",
        channel=case.channel_id,
    )
    return Closed(
        summary=summary(session=session, case=case, now=now, concerns=concerns),
        requests=_ask_for_ratings(session, case, now),
        paused=paused,
        old_stage=old,
        channel=case.channel_id,
    )


@dataclass(frozen=True)
class Reopened:
    """What reopening did: the stage the case went back to and the check-ins resumed."""

    stage: Stage
    resumed: int
    channel: str


def reopen_case(*, session: Session, case: Case, actor: Person, now: datetime) -> Reopened:
    """A lead reopens a closed case: rework if a strategy was ever agreed, else stabilize."""
    require(session=session, case=case, person=actor, action=Action.CLOSE_CASE)
    agreed = session.scalar(
        select(Strategy.id).where(Strategy.case_id == case.id, Strategy.approved_at.is_not(None))
    )
    stage = Stage.REWORK if agreed is not None else Stage.STABILIZE
    old = case.stage
    flipped = session.execute(
        update(Case)
        .where(Case.id == case.id, or_(Case.closed_at.is_not(None), Case.stage == Stage.RECOVERED))
        .values(stage=stage, closed_at=None, closing_outcome=None, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if flipped.rowcount != 1:
        raise PlaybookError("This case is open; a lead closes it with `/grievance case close`.")
    session.refresh(case)
    resumed = 0
    for schedule in session.scalars(
        select(CheckinSchedule).where(
            CheckinSchedule.case_id == case.id,
            CheckinSchedule.paused.is_(True),
            CheckinSchedule.paused_reason == CLOSED_REASON,
        )
    ):
        # Check-ins due while the case was closed are not owed: start counting from now.
        schedule.paused, schedule.paused_reason, schedule.checked_until = False, None, now
        resumed += 1
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.STAGE_CHANGED,
        author=actor,
        text=f"Stage: {STAGE_LABELS[old]} → {STAGE_LABELS[stage]} "
        f"(case reopened by {actor.display_name})",
        channel=case.channel_id,
    )
    return Reopened(stage=stage, resumed=resumed, channel=case.channel_id)


# ---- final ratings ----------------------------------------------------------------------


@dataclass(frozen=True)
class RatingCard:
    """What the rating modal needs: which case, and the answer so far."""

    rating_id: int
    client_name: str


def _own_rating(session: Session, rating_id: int, user_id: str) -> FinalRating:
    rating = session.get(FinalRating, rating_id)
    person = session.get(Person, rating.person_id) if rating else None
    if rating is None or person is None or person.slack_user_id != user_id:
        raise PlaybookError("This rating request isn't yours, or no longer exists.")
    case = session.get_one(Case, rating.case_id)
    require(session=session, case=case, person=person, action=Action.RATE_RECOVERY)
    if case.closed_at is None:
        raise PlaybookError(
            f"The {case.client_name} case was reopened, so there is nothing to rate for now."
        )
    if rating.answered_at is not None:
        raise PlaybookError(f"You already rated this recovery {rating.rating}/5. Thank you!")
    return rating


def rating_card(*, session: Session, rating_id: int, user_id: str) -> RatingCard:
    """The rating ``user_id`` was asked for, if it is theirs and still open."""
    rating = _own_rating(session, rating_id, user_id)
    return RatingCard(rating.id, session.get_one(Case, rating.case_id).client_name)


class RatingError(PlaybookError):
    """A rating that can't be stored as given; ``field`` names the input to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


SCORE, COMMENT = "score", "comment"


def save_rating(
    *,
    session: Session,
    rating_id: int,
    user_id: str,
    score: object,
    comment: str | None,
    anonymous: bool,
    now: datetime,
) -> FinalRating:
    """Store someone's final rating; anonymous ones are never shown with their name."""
    rating = _own_rating(session, rating_id, user_id)
    value = int(score) if str(score or "").isdigit() else None
    if value not in RATINGS:
        raise RatingError(SCORE, "Pick a rating from 1 to 5.")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise RatingError(COMMENT, f"Keep the comment under {MAX_COMMENT:,} characters.")
    rating.rating, rating.comment, rating.anonymous = value, text or None, anonymous
    rating.answered_at = now
    case = session.get_one(Case, rating.case_id)
    person = session.get_one(Person, rating.person_id)
    if anonymous:
        # Neither figure nor words: everyone reads the timeline and the exports list who
        # has not rated yet, so a lone anonymous rating beside them would name its rater.
        # They reach readers only through the final ratings, which merge small groups.
        said = "A final rating was given anonymously (it counts in the final ratings)"
    else:
        words = f": {text[:300]}" if text else ""
        said = f"Final rating {value}/5 from {person.display_name}{words}"
    record(
        session=session,
        case=case,
        kind=Kind.FINAL_RATING,
        author=None if anonymous else person,
        text=said,
    )
    return rating


def rater_label(*, session: Session, rating: FinalRating) -> str:
    """Who gave a rating, as the bot names them anywhere: never by name if anonymous."""
    if rating.anonymous:
        return "an anonymous stakeholder"
    return session.get_one(Person, rating.person_id).display_name
