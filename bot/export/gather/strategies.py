"""Strategy versions with their actions, votes and addressed grievances, and the progress
updates posted on them.

Both list the grievances they address as :class:`bot.export.rules.Confidentiality` allows:
a withheld confidential grievance is counted there, never named by its number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bot.export import rules
from bot.export.gather.people import People
from bot.export.gather.rows import grouped
from bot.export.model import ActionRecord, ProgressUpdateRecord, StrategyRecord, VoteRecord
from bot.export.stored import as_utc, as_utc_or_none, split_lines
from storage.models import (
    Grievance,
    ProgressUpdate,
    ProgressUpdateGrievance,
    Strategy,
    StrategyAction,
    StrategyGrievance,
    Vote,
)


@dataclass(frozen=True, slots=True)
class StrategyRows:
    """A case's strategies, votes and progress updates, read before the people so their
    authors and voters join the one batched person lookup."""

    strategies: list[Strategy]
    #: Vote rows by strategy id.
    votes: dict[int, list[Row[Any]]]
    updates: list[ProgressUpdate]

    def person_ids(self) -> Iterator[int | None]:
        """Everyone these rows name: strategy authors, voters, update authors."""
        yield from (strategy.author_id for strategy in self.strategies)
        yield from (vote.person_id for rows in self.votes.values() for vote in rows)
        yield from (update.author_id for update in self.updates)

    @property
    def versions(self) -> dict[int, int]:
        """Each strategy's version number, by strategy id."""
        return {strategy.id: strategy.version for strategy in self.strategies}


def load_strategies(session: Session, case_id: int) -> StrategyRows:
    """Strategies by version, every vote on them, and the progress updates: three queries."""
    strategies = list(
        session.scalars(
            select(Strategy).where(Strategy.case_id == case_id).order_by(Strategy.version)
        )
    )
    votes = session.execute(
        select(
            Vote.id,
            Vote.strategy_id,
            Vote.person_id,
            Vote.kind,
            Vote.reaction,
            Vote.updated_at,
        )
        .join(Strategy, Strategy.id == Vote.strategy_id)
        .where(Strategy.case_id == case_id)
        .order_by(Vote.strategy_id, Vote.id)
    )
    updates = session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.case_id == case_id).order_by(ProgressUpdate.id)
    )
    return StrategyRows(
        strategies=strategies, votes=grouped(votes, "strategy_id"), updates=list(updates)
    )


def strategy_records(
    session: Session,
    case_id: int,
    rows: StrategyRows,
    people: People,
    confidentiality: rules.Confidentiality,
) -> list[StrategyRecord]:
    """Strategy versions with actions and addressed grievances, two queries for the case."""
    actions = _actions(session, case_id)
    addressed, withheld = confidentiality.addressed(
        session.execute(
            select(StrategyGrievance.strategy_id, Grievance.id, Grievance.number)
            .join(Grievance, Grievance.id == StrategyGrievance.grievance_id)
            .join(Strategy, Strategy.id == StrategyGrievance.strategy_id)
            .where(Strategy.case_id == case_id)
            .order_by(StrategyGrievance.strategy_id, Grievance.number)
        ).tuples()
    )
    versions = rows.versions
    return [
        StrategyRecord(
            id=strategy.id,
            version=strategy.version,
            author=people.ref(strategy.author_id),
            summary=strategy.summary,
            success_measures=split_lines(strategy.success_measures),
            previous_id=strategy.previous_id,
            previous_version=versions.get(strategy.previous_id)
            if strategy.previous_id is not None
            else None,
            status=strategy.status.value,
            slack_channel=strategy.slack_channel,
            slack_ts=strategy.slack_ts,
            created_at=as_utc(strategy.created_at),
            approved_at=as_utc_or_none(strategy.approved_at),
            actions=tuple(actions.get(strategy.id, ())),
            addressed=addressed.get(strategy.id, ()),
            withheld_addressed=withheld.get(strategy.id, 0),
            votes=tuple(
                VoteRecord(
                    id=row.id,
                    person=people.required(row.person_id, f"vote {row.id}"),
                    kind=row.kind.value,
                    reaction=row.reaction,
                    updated_at=as_utc(row.updated_at),
                )
                for row in rows.votes.get(strategy.id, ())
            ),
        )
        for strategy in rows.strategies
    ]


def progress_records(
    session: Session,
    case_id: int,
    rows: StrategyRows,
    people: People,
    confidentiality: rules.Confidentiality,
) -> list[ProgressUpdateRecord]:
    """Progress updates with the grievances they addressed, one query for the case."""
    addressed, withheld = confidentiality.addressed(
        session.execute(
            select(ProgressUpdateGrievance.update_id, Grievance.id, Grievance.number)
            .join(Grievance, Grievance.id == ProgressUpdateGrievance.grievance_id)
            .join(ProgressUpdate, ProgressUpdate.id == ProgressUpdateGrievance.update_id)
            .where(ProgressUpdate.case_id == case_id)
            .order_by(ProgressUpdateGrievance.update_id, Grievance.number)
        ).tuples()
    )
    versions = rows.versions
    return [
        ProgressUpdateRecord(
            id=update.id,
            author=people.ref(update.author_id),
            strategy_id=update.strategy_id,
            strategy_version=versions.get(update.strategy_id)
            if update.strategy_id is not None
            else None,
            text=update.text,
            slack_channel=update.slack_channel,
            slack_ts=update.slack_ts,
            created_at=as_utc(update.created_at),
            addressed=addressed.get(update.id, ()),
            withheld_addressed=withheld.get(update.id, 0),
        )
        for update in rows.updates
    ]


def _actions(session: Session, case_id: int) -> dict[int, list[ActionRecord]]:
    """Every action of the case's strategies, by strategy, in position order."""
    rows = session.execute(
        select(
            StrategyAction.id,
            StrategyAction.strategy_id,
            StrategyAction.position,
            StrategyAction.text,
            StrategyAction.owner_user_id,
            StrategyAction.owner_name,
            StrategyAction.due,
            StrategyAction.done_at,
        )
        .join(Strategy, Strategy.id == StrategyAction.strategy_id)
        .where(Strategy.case_id == case_id)
        .order_by(StrategyAction.strategy_id, StrategyAction.position)
    )
    actions: dict[int, list[ActionRecord]] = {}
    for row in rows:
        actions.setdefault(row.strategy_id, []).append(
            ActionRecord(
                id=row.id,
                position=row.position,
                text=row.text,
                owner_user_id=row.owner_user_id,
                owner_name=row.owner_name,
                due=row.due,
                done_at=as_utc_or_none(row.done_at),
            )
        )
    return actions
