"""A strategy version read into plain values, for the message that shows it in the channel.

Everything the post shows is read here in one transaction (its actions, the grievances
it addresses and its coverage now, its votes, the versions before and after it), so the
Block Kit builders render plain values and never walk an ORM row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.playbook.buyin import BuyInState, state_of
from bot.playbook.history import OPEN_STATUSES
from bot.playbook.strategy.evidence import Coverage, coverage_of
from bot.playbook.strategy.lines import split_measures
from storage.models import Person, Strategy, StrategyStatus


@dataclass(frozen=True)
class Addressed:
    """A grievance a version addresses, as shown in its post."""

    number: int
    severity: int
    text: str
    open: bool


@dataclass(frozen=True)
class ActionItem:
    """An action as shown in the post."""

    text: str
    owner_user_id: str | None
    owner_name: str | None
    due: date | None


@dataclass(frozen=True)
class VersionRef:
    """Another version of the same strategy, to link to."""

    version: int
    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class StrategySnapshot:
    """Everything the strategy's message shows, read in one transaction."""

    strategy_id: int
    client_name: str
    version: int
    status: StrategyStatus
    author_name: str | None
    summary: str
    measures: list[str]
    actions: list[ActionItem]
    addressed: list[Addressed]
    coverage: Coverage
    buyin: BuyInState
    channel: str | None
    ts: str | None
    approved_at: datetime | None
    previous: VersionRef | None
    superseded_by: VersionRef | None


def snapshot(*, session: Session, strategy: Strategy) -> StrategySnapshot:
    """Read a version, its evidence and its votes into plain values for the builders.

    The post is in the channel, client side included, so a grievance made confidential
    after the version named it drops out of the post the next time it is drawn.
    """
    strategy = session.scalars(
        select(Strategy)
        .options(selectinload(Strategy.actions), selectinload(Strategy.addressed))
        .where(Strategy.id == strategy.id)
    ).one()
    previous = session.get(Strategy, strategy.previous_id) if strategy.previous_id else None
    newer = session.scalar(select(Strategy).where(Strategy.previous_id == strategy.id))
    author = session.get(Person, strategy.author_id) if strategy.author_id else None
    return StrategySnapshot(
        strategy_id=strategy.id,
        client_name=strategy.case.client_name,
        version=strategy.version,
        status=strategy.status,
        author_name=author.display_name if author else None,
        summary=strategy.summary,
        measures=split_measures(strategy.success_measures),
        actions=[
            ActionItem(a.text, a.owner_user_id, a.owner_name, a.due) for a in strategy.actions
        ],
        addressed=[
            Addressed(g.number, g.severity, g.text, g.status in OPEN_STATUSES)
            for g in sorted(strategy.addressed, key=lambda g: g.number)
            if not g.confidential
        ],
        coverage=coverage_of(session=session, strategy=strategy),
        buyin=state_of(session=session, strategy=strategy),
        channel=strategy.slack_channel,
        ts=strategy.slack_ts,
        approved_at=strategy.approved_at,
        previous=VersionRef(previous.version, previous.slack_channel, previous.slack_ts)
        if previous
        else None,
        superseded_by=VersionRef(newer.version, newer.slack_channel, newer.slack_ts)
        if newer
        else None,
    )
