"""Strategy versions: the current one, its buy-in, and proposing the next.

Versions are never edited: an update is a new version linking the one it replaces, which
is marked superseded, so buy-in is always given to fixed words. The form starts from the
current version (or, for the first, from what the client side said).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.playbook.access import Action, require
from bot.playbook.buyin import BuyInState, state_of
from bot.playbook.said import said
from bot.playbook.stakeholders import members
from bot.playbook.strategy.drafts import GRIEVANCES, StrategyDraft, StrategyDraftError
from bot.playbook.strategy.evidence import addressable, coverage_of
from bot.playbook.strategy.lines import action_line
from bot.playbook.timeline import Kind, record
from storage.models import (
    Case,
    Grievance,
    Person,
    Side,
    Strategy,
    StrategyAction,
    StrategyStatus,
    TimelineEntry,
    Vote,
    VoteKind,
)
from storage.rows import lock

#: Built once: health reads it with every change (see ``bot.playbook.people``).
_LATEST = (
    select(Strategy)
    .where(Strategy.case_id == bindparam("case_id"))
    .order_by(Strategy.version.desc())
    .limit(1)
)


def latest(*, session: Session, case: Case) -> Strategy | None:
    """The case's newest strategy version (the one that counts), if any."""
    return session.scalar(_LATEST, {"case_id": case.id})


@dataclass(frozen=True)
class Standing:
    """Where buy-in on the case's current version stands: what App Home and health show."""

    version: int
    #: What was last announced: approved, lost (reached, then no longer), or proposed.
    status: StrategyStatus
    #: The votes that count now, and what is missing if the rule does not hold.
    state: BuyInState


def standing(*, session: Session, case: Case) -> Standing | None:
    """The current version's buy-in, or None when no strategy has been proposed."""
    current = latest(session=session, case=case)
    if current is None:
        return None
    return Standing(current.version, current.status, state_of(session=session, strategy=current))


def stakeholder_directory(*, session: Session, case: Case) -> list[tuple[str, str]]:
    """``(slack user id, display name)`` of the case's stakeholders, for ``@name`` owners."""
    return [
        (m.person.slack_user_id, m.person.display_name)
        for m in members(session=session, case=case)
        if m.person.slack_user_id
    ]


@dataclass(frozen=True)
class Prefill:
    """What the strategy modal starts with: the current version, or the case's insights."""

    version: int
    summary: str = ""
    actions: str = ""
    grievance_ids: list[int] = field(default_factory=list)
    measures: str = ""


def prefill(*, session: Session, case: Case) -> Prefill:
    """Start from the current version so an update is an edit; else from the findings.

    The success measures are the client side's, from non-confidential grievances and the
    interviews: the strategy is posted in the channel, and a confidential grievance's
    words must not leak into it.
    """
    current = latest(session=session, case=case)
    if current is None:
        measures = said(session=session, case=case, side=Side.CLIENT).success_measures
        return Prefill(version=1, measures="\n".join(i.text for i in measures))
    still_open = {g.id for g in addressable(session=session, case=case)}
    return Prefill(
        version=current.version + 1,
        summary=current.summary,
        actions="\n".join(action_line(a) for a in current.actions),
        grievance_ids=[g.id for g in current.addressed if g.id in still_open],
        measures=current.success_measures,
    )


@dataclass(frozen=True)
class Proposal:
    """A stored version and who must hear of it."""

    strategy: Strategy
    previous: Strategy | None
    #: Slack ids of people who approved the previous version (other than the author).
    previous_approvers: list[str]
    entry_id: int


def propose(*, session: Session, case: Case, author: Person, draft: StrategyDraft) -> Proposal:
    """Store a new version, supersede the previous one, and note it on the timeline."""
    require(session=session, case=case, person=author, action=Action.PROPOSE_STRATEGY)
    allowed = {g.id: g for g in addressable(session=session, case=case, limit=10_000)}
    chosen = [allowed[i] for i in draft.grievance_ids if i in allowed]
    gone = [i for i in draft.grievance_ids if i not in allowed]
    if gone:
        names = [
            f"#{g.number}"
            for g in session.scalars(
                select(Grievance).where(Grievance.id.in_(gone), Grievance.case_id == case.id)
            )
        ]
        raise StrategyDraftError(
            {
                GRIEVANCES: f"{', '.join(names) or 'Some of these'} closed meanwhile; "
                "unselect them and submit again."
            }
        )
    lock(session, case)  # two leads posting at once get v2 and v3, not two v2s
    previous = latest(session=session, case=case)
    strategy = Strategy(
        case_id=case.id,
        version=(previous.version if previous else 0) + 1,
        author_id=author.id,
        summary=draft.summary,
        success_measures="\n".join(draft.success_measures),
        previous_id=previous.id if previous else None,
        status=StrategyStatus.PROPOSED,
    )
    strategy.addressed = sorted(chosen, key=lambda g: g.number)
    strategy.actions = [
        StrategyAction(
            position=position,
            text=action.text,
            owner_user_id=action.owner_user_id,
            owner_name=(action.owner_name or "")[:120] or None,
            due=action.due,
        )
        for position, action in enumerate(draft.actions, 1)
    ]
    session.add(strategy)
    approvers: list[str] = []
    if previous is not None:
        previous.status = StrategyStatus.SUPERSEDED
        approvers = [
            user_id
            for user_id in session.scalars(
                select(Person.slack_user_id)
                .join(Vote, Vote.person_id == Person.id)
                .where(Vote.strategy_id == previous.id, Vote.kind == VoteKind.APPROVE)
                .order_by(Vote.id)
            )
            if user_id and user_id != author.slack_user_id
        ]
    session.flush()
    evidence = coverage_of(session=session, strategy=strategy)
    replaces = f" (replaces v{previous.version})" if previous else ""
    entry_id = record(
        session=session,
        case=case,
        kind=Kind.STRATEGY_PROPOSED,
        author=author,
        text=f"Strategy v{strategy.version} proposed{replaces}: {draft.summary[:200]} "
        f"— {evidence.sentence if chosen else 'addresses no grievance'}",
        channel=case.channel_id,
    )
    return Proposal(
        strategy=strategy, previous=previous, previous_approvers=approvers, entry_id=entry_id
    )


def mark_posted(
    *, session: Session, strategy: Strategy, channel: str, ts: str, entry_id: int | None = None
) -> None:
    """Remember the strategy's message: reactions on it are votes."""
    strategy.slack_channel, strategy.slack_ts = channel, ts
    if entry_id is not None:
        entry = session.get(TimelineEntry, entry_id)
        if entry is not None:
            entry.slack_channel, entry.slack_ts = channel, ts
