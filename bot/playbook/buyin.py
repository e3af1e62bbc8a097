"""Buy-in on a strategy: reactions become votes, and the case's rule decides when it is agreed.

A vote is a stakeholder's latest approve or object reaction on the current version's
message; people who are not stakeholders of the case (no ``CaseMember`` row) and other
emoji do not count. ``tally`` is pure so the rule can be tested without Slack or a
database.

Buy-in is a live state: it holds while the votes that count now satisfy the rule. The
version's status records what was last announced (``approved`` when it holds, ``lost``
when it held and no longer does), and ``settle`` moves it in the vote's own transaction
with a conditional UPDATE under the case's row lock, so two reactions arriving together
can never both announce the same change.

What is still missing names sides, roles and counts, never people: it is shown to
everyone (the health reasons, App Home) and sent to the leads.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload

from bot.playbook.access import Action, allows, require
from bot.playbook.stages import STAGE_LABELS
from bot.playbook.stakeholders import ROLE_LABELS, by_role, membership
from bot.playbook.timeline import Kind, record
from bot.vocabulary import plural
from storage.clock import utcnow
from storage.models import (
    BuyInRule,
    Case,
    Person,
    Role,
    Side,
    Stage,
    Strategy,
    StrategyStatus,
    Vote,
    VoteKind,
)
from storage.rows import lock, plain

#: Reactions that approve; Slack sends the canonical name ("+1", never "thumbsup").
APPROVE_REACTIONS = frozenset({"white_check_mark", "+1", "heavy_check_mark"})
#: Reactions that object.
OBJECT_REACTIONS = frozenset({"x", "-1"})

RULE_WORDS = {
    "default": BuyInRule.DEFAULT,
    "majority": BuyInRule.CLIENT_MAJORITY,
    "client_majority": BuyInRule.CLIENT_MAJORITY,
    "client-majority": BuyInRule.CLIENT_MAJORITY,
}
RULE_LABELS = {
    BuyInRule.DEFAULT: "a client leader and a team lead approve, and no client leader objects",
    BuyInRule.CLIENT_MAJORITY: "more than half of the client leadership and a team lead approve",
}
RULE_NAMES = {BuyInRule.DEFAULT: "default", BuyInRule.CLIENT_MAJORITY: "majority"}


def normalise_reaction(name: str) -> str:
    """Drop a skin tone (``+1::skin-tone-3``): the tone is not part of the vote."""
    return name.split("::", 1)[0]


def kind_of(reaction: str) -> VoteKind | None:
    """What a reaction means on a strategy, or None for any other emoji."""
    name = normalise_reaction(reaction)
    if name in APPROVE_REACTIONS:
        return VoteKind.APPROVE
    if name in OBJECT_REACTIONS:
        return VoteKind.OBJECT
    return None


def parse_rule(word: str) -> BuyInRule | None:
    """``default`` or ``majority`` (as typed after ``/grievance strategy rule``)."""
    return RULE_WORDS.get(word.strip().lower())


class VoteLike(Protocol):
    """What ``tally`` reads of a vote: ``Vote`` rows qualify, so do test doubles."""

    @property
    def person_id(self) -> int: ...

    @property
    def kind(self) -> VoteKind: ...


@dataclass(frozen=True)
class Ballot:
    """A counted vote: who, in which role, approving or objecting."""

    person_id: int
    name: str
    role: Role
    kind: VoteKind

    @property
    def label(self) -> str:
        """``Carla (client leader)``: how votes are named everywhere."""
        return f"{self.name} ({ROLE_LABELS[self.role]})"


@dataclass(frozen=True)
class BuyInState:
    """Votes by side, whether the rule holds, and what is still missing if not."""

    rule: BuyInRule
    reached: bool
    missing: list[str]
    approvals: dict[Side, list[Ballot]] = field(default_factory=dict)
    objections: dict[Side, list[Ballot]] = field(default_factory=dict)

    def approvers(self) -> list[Ballot]:
        """Everyone who approves, client side first."""
        return [b for side in (Side.CLIENT, Side.TEAM) for b in self.approvals.get(side, [])]

    def objectors(self) -> list[Ballot]:
        """Everyone who objects, client side first."""
        return [b for side in (Side.CLIENT, Side.TEAM) for b in self.objections.get(side, [])]


def tally(
    votes: Iterable[VoteLike],
    members_by_role: Mapping[Role, Sequence[Person]],
    rule: BuyInRule,
) -> BuyInState:
    """Count votes by the voters' current roles and check ``rule``.

    A vote from someone who is no longer a stakeholder is left out, and roles are read
    now rather than when the vote was cast, so a lead correcting a role is reflected.
    ``missing`` counts objectors rather than naming them (see the module docstring).
    """
    role_of: dict[int, tuple[Role, str]] = {
        person.id: (role, person.display_name)
        for role, people in members_by_role.items()
        for person in people
    }
    approvals: dict[Side, list[Ballot]] = {Side.CLIENT: [], Side.TEAM: []}
    objections: dict[Side, list[Ballot]] = {Side.CLIENT: [], Side.TEAM: []}
    for vote in votes:
        known = role_of.get(vote.person_id)
        if known is None:
            continue
        role, name = known
        ballot = Ballot(person_id=vote.person_id, name=name, role=role, kind=vote.kind)
        target = approvals if vote.kind is VoteKind.APPROVE else objections
        target[role.side].append(ballot)

    def approving(role: Role) -> list[Ballot]:
        return [b for b in approvals[role.side] if b.role is role]

    leaders = members_by_role.get(Role.CLIENT_LEADER, [])
    missing: list[str] = []
    if not leaders:
        missing.append(
            "a client leader: nobody has that role yet (a lead sets roles with `/grievance people`)"
        )
    elif rule is BuyInRule.CLIENT_MAJORITY:
        needed = len(leaders) // 2 + 1
        have = len(approving(Role.CLIENT_LEADER))
        if have < needed:
            missing.append(
                f"{plural(needed - have, 'more approval')} from client leadership "
                f"({have} of {len(leaders)} so far; more than half is needed)"
            )
    elif not approving(Role.CLIENT_LEADER):
        missing.append("an approval from a client leader")
    if not approving(Role.TEAM_LEAD):
        missing.append("an approval from a team lead")
    objecting = sum(1 for b in objections[Side.CLIENT] if b.role is Role.CLIENT_LEADER)
    if rule is BuyInRule.DEFAULT and objecting:
        whose = "their objection" if objecting == 1 else "their objections"
        missing.append(f"{plural(objecting, 'client leader')} to withdraw {whose}")
    return BuyInState(
        rule=rule,
        reached=not missing,
        missing=missing,
        approvals=approvals,
        objections=objections,
    )


# ---- storage ----------------------------------------------------------------------------


def votes_on(*, session: Session, strategy: Strategy) -> list[Vote]:
    """The current votes on a version, oldest first."""
    return list(
        session.scalars(
            select(Vote)
            .options(joinedload(Vote.person))
            .where(Vote.strategy_id == strategy.id)
            .order_by(Vote.updated_at, Vote.id)
        )
    )


def state_of(*, session: Session, strategy: Strategy) -> BuyInState:
    """Where buy-in on ``strategy`` stands under its case's rule."""
    return tally(
        votes_on(session=session, strategy=strategy),
        by_role(session=session, case=strategy.case),
        strategy.case.buyin_rule,
    )


def latest_version(*, session: Session, case: Case) -> int:
    """The newest version number of the case's strategy (0 when there is none)."""
    return (
        session.scalar(select(func.max(Strategy.version)).where(Strategy.case_id == case.id)) or 0
    )


#: Built once: every reaction asks it (see ``bot.playbook.people``).
_AT_MESSAGE = select(Strategy).where(
    Strategy.slack_channel == bindparam("channel"), Strategy.slack_ts == bindparam("ts")
)


def find_by_message(*, session: Session, channel: str, ts: str) -> Strategy | None:
    """The strategy posted as message ``ts`` in ``channel``, if that message is one."""
    return session.scalar(_AT_MESSAGE, {"channel": channel, "ts": ts})


_ID_AT_MESSAGE = select(Strategy.id).where(
    Strategy.slack_channel == bindparam("channel"), Strategy.slack_ts == bindparam("ts")
)


def is_strategy_message(*, session: Session, channel: str, ts: str) -> bool:
    """Whether message ``ts`` in ``channel`` is a strategy's: asked of every reaction, and
    most are not, so it reads one column, outside the ORM (``storage.rows.plain``)."""
    return plain(session).scalar(_ID_AT_MESSAGE, {"channel": channel, "ts": ts}) is not None


class Shift(enum.Enum):
    """How a vote or a rule change moved buy-in on the current version."""

    REACHED = "reached"
    #: Reached again after it was lost: announced again, like the first time.
    REGAINED = "regained"
    LOST = "lost"


@dataclass(frozen=True)
class ReactionOutcome:
    """What a reaction did: whether a vote changed, and how buy-in moved (if it did)."""

    changed: bool = False
    shift: Shift | None = None
    state: BuyInState | None = None


_IGNORED = ReactionOutcome()


def react(
    *, session: Session, strategy: Strategy, person: Person, reaction: str, added: bool
) -> ReactionOutcome:
    """Apply one ``reaction_added`` / ``reaction_removed`` to the votes on ``strategy``.

    Ignored (nothing written): other emoji, a superseded or no longer current version,
    and people who are not stakeholders or whom the policy does not let vote (a reaction
    has nowhere to be answered). The latest reaction wins; removing a reaction
    withdraws the vote only if it is the reaction currently counted.
    """
    kind = kind_of(reaction)
    if kind is None or strategy.status is StrategyStatus.SUPERSEDED:
        return _IGNORED
    case = strategy.case
    lock(session, case)  # votes on one case count one after another, each seeing the last
    if strategy.version != latest_version(session=session, case=case):
        return _IGNORED
    member = membership(session=session, case=case, person=person)
    if member is None or not allows(session=session, case=case, person=person, action=Action.VOTE):
        return _IGNORED
    name = normalise_reaction(reaction)
    label = f"{person.display_name} ({ROLE_LABELS[member.role]})"
    vote = session.scalar(
        select(Vote).where(Vote.strategy_id == strategy.id, Vote.person_id == person.id)
    )
    if added:
        if vote is not None and vote.kind is kind:
            vote.reaction = name  # the same vote by another emoji: nothing to announce
            return ReactionOutcome(
                changed=False, state=state_of(session=session, strategy=strategy)
            )
        if vote is None:
            session.add(
                Vote(strategy_id=strategy.id, person_id=person.id, kind=kind, reaction=name)
            )
        else:
            vote.kind, vote.reaction, vote.updated_at = kind, name, utcnow()
        session.flush()
        verb = "approves" if kind is VoteKind.APPROVE else "objects to"
        record(
            session=session,
            case=case,
            kind=Kind.VOTE_CAST,
            author=person,
            text=f"{label} {verb} v{strategy.version}",
            channel=strategy.slack_channel,
            ts=strategy.slack_ts,
        )
    else:
        if vote is None or vote.reaction != name:
            return _IGNORED
        what = "approval of" if vote.kind is VoteKind.APPROVE else "objection to"
        session.delete(vote)
        session.flush()
        record(
            session=session,
            case=case,
            kind=Kind.VOTE_WITHDRAWN,
            author=person,
            text=f"{label} withdraws their {what} v{strategy.version}",
            channel=strategy.slack_channel,
            ts=strategy.slack_ts,
        )
    state = state_of(session=session, strategy=strategy)
    shift = settle(session=session, strategy=strategy, state=state)
    return ReactionOutcome(changed=True, shift=shift, state=state)


def waiting_for(state: BuyInState) -> str:
    """``an approval from a team lead; 1 client leader to withdraw their objection``."""
    return "; ".join(state.missing)


def settle(*, session: Session, strategy: Strategy, state: BuyInState) -> Shift | None:
    """Make the version's status follow ``state``; how it moved, or None if it did not.

    Reached: ``proposed`` or ``lost`` becomes ``approved`` and the case moves from
    stabilize to rework. Lost: ``approved`` becomes ``lost``. Each move is a conditional
    UPDATE (the old status in its WHERE) under the case's row lock, so of two
    transactions that both see the same change only one records and announces it.

    Losing buy-in leaves the stage at rework: the work agreed has started (actions owned,
    check-ins weekly), and a stage that flipped with every reaction would say less than
    the strategy, status, App Home and health, which all show that buy-in is lost.
    """
    lock(session, strategy.case)
    session.refresh(strategy)  # the status as the previous vote's transaction left it
    if strategy.status is StrategyStatus.SUPERSEDED:
        return None
    if strategy.version != latest_version(session=session, case=strategy.case):
        return None
    if state.reached:
        return _reach(session, strategy, state)
    return _lose(session, strategy, state)


def _flip(session: Session, strategy: Strategy, old: StrategyStatus, **values: object) -> bool:
    """``old`` → ``values`` on ``strategy``'s row if it still is ``old``; True if it was."""
    flipped = session.execute(
        update(Strategy)
        .where(Strategy.id == strategy.id, Strategy.status == old)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    if flipped.rowcount != 1:
        return False
    session.refresh(strategy)
    return True


def _reach(session: Session, strategy: Strategy, state: BuyInState) -> Shift | None:
    old = strategy.status
    if old not in (StrategyStatus.PROPOSED, StrategyStatus.LOST):
        return None
    if not _flip(session, strategy, old, status=StrategyStatus.APPROVED, approved_at=utcnow()):
        return None
    case = strategy.case
    again = " again" if old is StrategyStatus.LOST else ""
    names = ", ".join(b.label for b in state.approvers())
    record(
        session=session,
        case=case,
        kind=Kind.BUYIN_REACHED,
        author=None,
        text=f"Buy-in reached{again} on strategy v{strategy.version}: approved by {names}",
        channel=strategy.slack_channel,
        ts=strategy.slack_ts,
    )
    moved = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.stage == Stage.STABILIZE)
        .values(stage=Stage.REWORK, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if moved.rowcount == 1:
        record(
            session=session,
            case=case,
            kind=Kind.STAGE_CHANGED,
            author=None,
            text=f"Stage: {STAGE_LABELS[Stage.STABILIZE]} → {STAGE_LABELS[Stage.REWORK]} "
            f"(buy-in reached on strategy v{strategy.version})",
        )
    return Shift.REGAINED if again else Shift.REACHED


def _lose(session: Session, strategy: Strategy, state: BuyInState) -> Shift | None:
    if strategy.status is not StrategyStatus.APPROVED:
        return None
    if not _flip(session, strategy, StrategyStatus.APPROVED, status=StrategyStatus.LOST):
        return None
    record(
        session=session,
        case=strategy.case,
        kind=Kind.BUYIN_LOST,
        author=None,
        text=f"Buy-in lost on strategy v{strategy.version}: waiting for {waiting_for(state)} "
        f"(the stage stays {STAGE_LABELS[strategy.case.stage]})",
        channel=strategy.slack_channel,
        ts=strategy.slack_ts,
    )
    return Shift.LOST


def set_rule(*, session: Session, case: Case, actor: Person, rule: BuyInRule) -> bool:
    """A lead changes when a strategy counts as agreed; False when it already was ``rule``."""
    require(session=session, case=case, person=actor, action=Action.SET_BUYIN_RULE)
    if case.buyin_rule is rule:
        return False
    old = case.buyin_rule
    case.buyin_rule = rule
    session.flush()
    record(
        session=session,
        case=case,
        kind=Kind.BUYIN_RULE_CHANGED,
        author=actor,
        text=f"Buy-in rule: {RULE_NAMES[old]} → {RULE_NAMES[rule]} ({RULE_LABELS[rule]})",
    )
    return True
