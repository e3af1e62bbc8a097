"""The strategy intents, each in its one transaction: open the proposal form, read where
buy-in stands, set the buy-in rule, propose a version, vote by reaction, count again.

``handlers.strategy`` does the Slack side; what it gets back are plain values (ids, the
playbook's snapshots and shifts), never the rows read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows.commitments import CommitmentView
from bot.flows.commitments import views as commitment_views
from bot.flows.scope import NO_CASE
from bot.playbook import access, buyin, cases, commitments, health, history, people
from bot.playbook import strategy as playbook
from bot.playbook.buyin import Shift
from bot.playbook.deliveries import AlreadyHandled, Delivery, claim
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import view as view_of
from bot.playbook.strategy import Prefill, StrategySnapshot
from bot.views import GrievanceView
from storage.engine import Database
from storage.models import BuyInRule, Case, Person, Stage, Strategy


@dataclass(frozen=True)
class ProposalForm:
    """What the proposal modal shows: the case, where to start from, what may be addressed."""

    case_id: int
    channel_id: str
    client_name: str
    prefill: Prefill
    grievances: list[GrievanceView]
    open_total: int


@dataclass(frozen=True)
class Recount:
    """A version whose votes were counted again, and whether buy-in was reached or lost."""

    strategy_id: int
    shift: Shift | None


@dataclass(frozen=True)
class RuleSet:
    """The rule change's outcome; ``recount`` only when it changed and a version exists."""

    changed: bool
    recount: Recount | None


@dataclass(frozen=True)
class Shown:
    """A version as its message shows it, and the case's stage (for the announcement)."""

    snap: StrategySnapshot
    stage: Stage


@dataclass(frozen=True)
class Proposed:
    """What a proposal committed, carried past the transaction to post it."""

    strategy_id: int
    entry_id: int
    previous_id: int | None
    channel: str
    author: str
    approvers: list[str]
    #: The actions that became commitments (an owner the bot knows, a day to come).
    commitments: tuple[CommitmentView, ...] = ()


def _case_here(
    session: Session, *, team_id: str, channel_id: str, user_id: str
) -> tuple[Case, Person | None]:
    """The channel's case and the caller (None if the bot has never met them)."""
    workspace = people.ensure_workspace(session=session, team_id=team_id)
    case = cases.find_case(session=session, workspace=workspace, channel_id=channel_id)
    if case is None:
        raise PlaybookError(NO_CASE)
    person = people.find_person(session=session, workspace=workspace, user_id=user_id)
    return case, person


def proposal_form(db: Database, *, team_id: str, channel_id: str, user_id: str) -> ProposalForm:
    """A lead's proposal form, prefilled from the current version or the insights."""
    with db.transaction() as session:
        case, person = _case_here(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
        access.require(
            session=session, case=case, person=person, action=access.Action.PROPOSE_STRATEGY
        )
        return ProposalForm(
            case_id=case.id,
            channel_id=case.channel_id,
            client_name=case.client_name,
            prefill=playbook.prefill(session=session, case=case),
            grievances=[view_of(g) for g in playbook.addressable(session=session, case=case)],
            open_total=playbook.open_count(session=session, case=case),
        )


def status(db: Database, *, team_id: str, channel_id: str, user_id: str) -> StrategySnapshot | None:
    """Where buy-in stands on the current version (None: none proposed yet)."""
    with db.transaction() as session:
        case, person = _case_here(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
        history.require_reader(session=session, case=case, viewer=person)
        current = playbook.latest(session=session, case=case)
        return None if current is None else playbook.snapshot(session=session, strategy=current)


def _settle(session: Session, current: Strategy) -> Recount:
    state = buyin.state_of(session=session, strategy=current)
    return Recount(
        strategy_id=current.id, shift=buyin.settle(session=session, strategy=current, state=state)
    )


def set_rule(
    db: Database, *, team_id: str, channel_id: str, user_id: str, rule: BuyInRule
) -> RuleSet:
    """A lead sets the buy-in rule; the current version is counted again under it."""
    with db.transaction() as session:
        case, person = _case_here(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
        actor = access.require(
            session=session, case=case, person=person, action=access.Action.SET_BUYIN_RULE
        )
        changed = buyin.set_rule(session=session, case=case, actor=actor, rule=rule)
        current = playbook.latest(session=session, case=case)
        recount = _settle(session, current) if changed and current is not None else None
        return RuleSet(changed=changed, recount=recount)


def recheck(db: Database, case_id: int) -> Recount | None:
    """Count buy-in on the case's current version again (None: no case or no version)."""
    with db.transaction() as session:
        case = session.get(Case, case_id)
        current = playbook.latest(session=session, case=case) if case else None
        return None if current is None else _settle(session, current)


def shown(db: Database, strategy_id: int) -> Shown:
    """The version as its message shows it now."""
    with db.transaction() as session:
        found = session.get_one(Strategy, strategy_id)
        return Shown(
            snap=playbook.snapshot(session=session, strategy=found), stage=found.case.stage
        )


def lead_ids(db: Database, strategy_id: int) -> list[str]:
    """The Slack ids of the leads of the version's case."""
    with db.transaction() as session:
        case = session.get_one(Strategy, strategy_id).case
        return [p.slack_user_id for p in access.leads_of(session=session, case=case)]


def mark_posted(db: Database, *, strategy_id: int, channel: str, ts: str, entry_id: int) -> None:
    """Remember where the version was posted (votes are counted on that message)."""
    with db.transaction() as session:
        playbook.mark_posted(
            session=session,
            strategy=session.get_one(Strategy, strategy_id),
            channel=channel,
            ts=ts,
            entry_id=entry_id,
        )


def propose(
    db: Database,
    *,
    case_id: int,
    user_id: str,
    summary: str | None,
    actions: str | None,
    grievance_ids: list[object],
    measures: str | None,
    now: datetime,
) -> Proposed:
    """Commit a lead's new version (``StrategyDraftError`` names the fields to fix)."""
    with db.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise PlaybookError("This case no longer exists.")
        draft = playbook.parse_draft(
            summary=summary,
            actions=actions,
            grievance_ids=grievance_ids,
            measures=measures,
            directory=playbook.stakeholder_directory(session=session, case=case),
        )
        author = access.require(
            session=session,
            case=case,
            person=people.find_person(session=session, workspace=case.workspace, user_id=user_id),
            action=access.Action.PROPOSE_STRATEGY,
        )
        proposal = playbook.propose(session=session, case=case, author=author, draft=draft)
        promised = commitments.from_strategy(
            session=session,
            case=case,
            author=author,
            strategy=proposal.strategy,
            today=commitments.case_today(case, now),
        )
        health.rescore(session=session, case=case, now=now)
        return Proposed(
            strategy_id=proposal.strategy.id,
            entry_id=proposal.entry_id,
            previous_id=proposal.previous.id if proposal.previous else None,
            channel=case.channel_id,
            author=user_id,
            approvers=proposal.previous_approvers,
            commitments=commitment_views(session, promised, now),
        )


def vote(
    db: Database,
    *,
    channel: str,
    ts: str,
    user_id: str,
    reaction: str,
    added: bool,
    delivery: Delivery | None,
    now: datetime,
) -> Recount | None:
    """Count a reaction on a strategy message as a vote, recording its ``delivery`` in the
    same transaction; None when nothing changed (not a strategy, a voter the bot never
    met, a vote already counted, or a retry of one)."""
    with db.reading() as session:  # most reactions are not on a strategy: no write turn
        if not buyin.is_strategy_message(session=session, channel=channel, ts=ts):
            return None
    try:
        with db.transaction() as session:
            found = buyin.find_by_message(session=session, channel=channel, ts=ts)
            if found is None:
                return None
            workspace = found.case.workspace
            voter = people.find_person(session=session, workspace=workspace, user_id=user_id)
            if voter is None:  # never met: cannot be a stakeholder
                return None
            claim(session=session, delivery=delivery, now=now)
            outcome = buyin.react(
                session=session, strategy=found, person=voter, reaction=reaction, added=added
            )
            if not outcome.changed:
                return None
            health.rescore(session=session, case=found.case, now=now)
            return Recount(strategy_id=found.id, shift=outcome.shift)
    except AlreadyHandled:
        return None
