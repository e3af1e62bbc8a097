"""Progress updates: what moved forward, tied to the strategy version it serves.

The client was promised a strategy; an update shows it being kept. Each update names the
version it serves (so people can check the words they agreed to), may tick off that
version's actions, and may say which open grievances it addresses: those move to
"addressing" through ``grievances.change_status``, so the usual rules and timeline entries
apply. Updates come from the delivery team: a client-side person is politely refused,
because the team is the one answering for the work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.ids import row_id
from bot.playbook.access import Action, allows, require
from bot.playbook.errors import PlaybookError
from bot.playbook.grievances import change_status, view
from bot.playbook.history import OPEN_STATUSES
from bot.playbook.strategy import MAX_OPTIONS, addressable, latest, open_count
from bot.playbook.timeline import Kind, record
from bot.views import GrievanceView
from storage.models import (
    Case,
    Grievance,
    Person,
    ProgressUpdate,
    Status,
    Strategy,
    StrategyAction,
    TimelineEntry,
)

MAX_TEXT = 3000
#: Field names of a draft; the modal maps them to its block ids.
TEXT, ACTIONS, GRIEVANCES = "text", "actions", "grievances"
#: Statuses an update moves to "addressing" (later ones are left as they are).
_MOVABLE = (Status.OPEN, Status.ACKNOWLEDGED)


class ProgressDraftError(PlaybookError):
    """A draft failed validation; ``fields`` maps a draft field to advice for the modal."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class ProgressDraft:
    """A validated update, ready to store: its words, the actions ticked, the grievances."""

    text: str
    action_ids: list[int] = field(default_factory=list)
    grievance_ids: list[int] = field(default_factory=list)


def _ids(values: Sequence[object] | None) -> list[int]:
    return sorted({number for v in values or [] if (number := row_id(v)) is not None})


def parse_draft(
    *,
    text: str | None,
    action_ids: Sequence[object] | None = None,
    grievance_ids: Sequence[object] | None = None,
) -> ProgressDraft:
    """Validate what the author gave; an update must say or tick something."""
    cleaned = (text or "").strip()
    actions, chosen = _ids(action_ids), _ids(grievance_ids)
    if len(cleaned) > MAX_TEXT:
        raise ProgressDraftError({TEXT: f"Keep the update under {MAX_TEXT:,} characters."})
    if not (cleaned or actions or chosen):
        raise ProgressDraftError(
            {TEXT: "Say what moved forward, tick an action, or pick a grievance it addresses."}
        )
    return ProgressDraft(text=cleaned, action_ids=actions, grievance_ids=chosen)


# ---- what the modal offers --------------------------------------------------------------


@dataclass(frozen=True)
class ActionChoice:
    """One action of the current strategy, as the modal lists it."""

    id: int
    position: int
    text: str
    owner_user_id: str | None
    owner_name: str | None
    due: date | None


@dataclass(frozen=True)
class UpdateChoices:
    """The current strategy's actions (open and done) and the grievances one may address."""

    strategy_id: int | None
    version: int | None
    open_actions: list[ActionChoice]
    done_actions: list[ActionChoice]
    grievances: list[GrievanceView]
    open_total: int


def _choice(action: StrategyAction) -> ActionChoice:
    return ActionChoice(
        action.id, action.position, action.text, action.owner_user_id, action.owner_name, action.due
    )


def choices(*, session: Session, case: Case) -> UpdateChoices:
    """What the update form lists: confidential grievances are left out (it is posted)."""
    current = latest(session=session, case=case)
    actions = list(current.actions) if current else []
    return UpdateChoices(
        strategy_id=current.id if current else None,
        version=current.version if current else None,
        open_actions=[_choice(a) for a in actions if a.done_at is None],
        done_actions=[_choice(a) for a in actions if a.done_at is not None],
        grievances=[view(g) for g in addressable(session=session, case=case, limit=MAX_OPTIONS)],
        open_total=open_count(session=session, case=case),
    )


# ---- posting ----------------------------------------------------------------------------


class UpdateRef(BaseModel):
    """What an update's message buttons carry (and the correction form remembers): the
    update, and what it ticked off and moved when posted, which only the moment of
    posting knows, so that a corrected message still shows them."""

    update: int
    ticked: list[int] = []
    moved: list[int] = []


@dataclass(frozen=True)
class Posted:
    """What an update committed, carried past the transaction to post it."""

    update_id: int
    entry_id: int
    channel: str
    #: Actions this update ticked off (done now, not before).
    ticked_ids: list[int]
    #: Grievances this update moved to "addressing" (their messages need updating).
    moved_ids: list[int]
    #: Grievances it addresses that stayed where they were (already addressing, or the
    #: author may not move them).
    linked_ids: list[int]

    @property
    def ref(self) -> UpdateRef:
        """The update and what it ticked and moved, for its message's buttons."""
        return UpdateRef(update=self.update_id, ticked=self.ticked_ids, moved=self.moved_ids)


def _tick(
    *,
    session: Session,
    current: Strategy | None,
    expected: int | None,
    ids: list[int],
    now: datetime,
) -> list[StrategyAction]:
    """Mark the chosen actions done; refuse actions of a version that is no longer current."""
    if not ids:
        return []
    if current is None or current.id != expected:
        version = f"Strategy v{current.version}" if current else "A change to the strategy"
        raise ProgressDraftError(
            {
                ACTIONS: f"{version} was proposed since you opened this form, so these actions "
                "are out of date. Close it and run `/grievance update` again."
            }
        )
    found = list(
        session.scalars(
            select(StrategyAction).where(
                StrategyAction.id.in_(ids), StrategyAction.strategy_id == current.id
            )
        )
    )
    ticked = [a for a in found if a.done_at is None]
    for action in ticked:
        action.done_at = now
    return ticked


def _addressed(*, session: Session, case: Case, ids: list[int]) -> list[Grievance]:
    """The chosen grievances, if still open and public; refuse ones closed meanwhile."""
    if not ids:
        return []
    rows = list(
        session.scalars(
            select(Grievance).where(Grievance.id.in_(ids), Grievance.case_id == case.id)
        )
    )
    gone = [g for g in rows if g.status not in OPEN_STATUSES or g.confidential]
    if gone or len(rows) != len(ids):
        names = ", ".join(f"#{g.number}" for g in gone) or "Some of these"
        raise ProgressDraftError(
            {GRIEVANCES: f"{names} closed meanwhile; unselect them and submit again."}
        )
    return sorted(rows, key=lambda g: g.number)


def _entry_text(
    draft: ProgressDraft,
    version: int | None,
    ticked: Sequence[StrategyAction],
    addressed: Sequence[Grievance],
) -> str:
    parts = [draft.text[:300]] if draft.text else []
    if ticked:
        parts.append("done: " + "; ".join(a.text[:80] for a in ticked))
    if addressed:
        parts.append("addresses " + ", ".join(f"#{g.number}" for g in addressed))
    towards = f" (strategy v{version})" if version else ""
    return f"Progress update{towards}: " + " — ".join(parts)


def post_update(
    *,
    session: Session,
    case: Case,
    author: Person,
    draft: ProgressDraft,
    now: datetime,
    strategy_id: int | None = None,
) -> Posted:
    """Store an update on the current strategy, tick its actions, move its grievances.

    ``strategy_id`` is the version the form showed; actions are ticked only if it is
    still the current one. A grievance the author may not move (a client-side author)
    is linked without changing its status.
    """
    require(session=session, case=case, person=author, action=Action.POST_PROGRESS)
    current = latest(session=session, case=case)
    ticked = _tick(
        session=session, current=current, expected=strategy_id, ids=draft.action_ids, now=now
    )
    addressed = _addressed(session=session, case=case, ids=draft.grievance_ids)
    update = ProgressUpdate(
        case_id=case.id,
        author_id=author.id,
        strategy_id=current.id if current else None,
        text=draft.text,
        created_at=now,
    )
    update.addressed = addressed
    session.add(update)
    session.flush()
    moved: list[int] = []
    for grievance in addressed:
        if grievance.status not in _MOVABLE:
            continue
        try:
            change_status(session=session, grievance=grievance, actor=author, new=Status.ADDRESSING)
        except PlaybookError:  # not theirs to move: the update still links it
            continue
        moved.append(grievance.id)
    entry_id = record(
        session=session,
        case=case,
        kind=Kind.PROGRESS_UPDATE,
        author=author,
        text=_entry_text(draft, current.version if current else None, ticked, addressed),
        channel=case.channel_id,
    )
    return Posted(
        update_id=update.id,
        entry_id=entry_id,
        channel=case.channel_id,
        ticked_ids=[a.id for a in ticked],
        moved_ids=moved,
        linked_ids=[g.id for g in addressed if g.id not in moved],
    )


# ---- correcting and withdrawing -----------------------------------------------------------

NOT_THEIRS = "Only the person who posted this update or a case lead can correct or withdraw it."
GONE = "This progress update was withdrawn already."


@dataclass(frozen=True)
class Withdrawn:
    """Where the withdrawn update's message was, to delete it."""

    channel: str | None
    ts: str | None


def editable_update(*, session: Session, update_id: int, actor: Person | None) -> ProgressUpdate:
    """The update, if ``actor`` posted it (and may post updates) or leads its case."""
    update = session.get(ProgressUpdate, update_id)
    if update is None:
        raise PlaybookError(GONE)
    case = session.get_one(Case, update.case_id)
    own = actor is not None and actor.id == update.author_id
    action = Action.CORRECT_OWN_PROGRESS if own else Action.CORRECT_ANY_PROGRESS
    if not allows(session=session, case=case, person=actor, action=action):
        raise PlaybookError(NOT_THEIRS)
    return update


def correct_update(
    *, session: Session, update_id: int, actor: Person | None, text: str | None
) -> ProgressUpdate:
    """Replace an update's words; the timeline keeps what it said before and the correction."""
    update = editable_update(session=session, update_id=update_id, actor=actor)
    cleaned = (text or "").strip()
    if not cleaned or len(cleaned) > MAX_TEXT:
        raise ProgressDraftError(
            {TEXT: f"Say what moved forward, in 1 to {MAX_TEXT:,} characters."}
        )
    update.text = cleaned
    record(
        session=session,
        case=session.get_one(Case, update.case_id),
        kind=Kind.PROGRESS_CORRECTED,
        author=actor,
        text=f"Progress update of {update.created_at:%Y-%m-%d} now says: {cleaned[:300]}",
        channel=update.slack_channel,
        ts=update.slack_ts,
    )
    return update


def withdraw_update(*, session: Session, update_id: int, actor: Person | None) -> Withdrawn:
    """Remove an update, noting on the timeline that it was withdrawn and by whom.

    Its timeline entries stay (the history is not rewritten) but lose their link to the
    message, which is deleted from the channel. Actions it ticked off and grievances it
    moved keep their own state and entries: those are changed where they live.
    """
    update = editable_update(session=session, update_id=update_id, actor=actor)
    where = Withdrawn(channel=update.slack_channel, ts=update.slack_ts)
    if where.ts is not None:
        for entry in session.scalars(
            select(TimelineEntry).where(
                TimelineEntry.case_id == update.case_id,
                TimelineEntry.slack_channel == where.channel,
                TimelineEntry.slack_ts == where.ts,
            )
        ):
            entry.slack_channel = entry.slack_ts = None
    record(
        session=session,
        case=session.get_one(Case, update.case_id),
        kind=Kind.PROGRESS_WITHDRAWN,
        author=actor,
        text=f"The progress update of {update.created_at:%Y-%m-%d} was withdrawn and removed "
        "from the channel.",
    )
    session.delete(update)
    return where


def mark_posted(*, session: Session, posted: Posted, channel: str, ts: str) -> None:
    """Remember the update's message, on the update and on its timeline entry."""
    update = session.get_one(ProgressUpdate, posted.update_id)
    update.slack_channel, update.slack_ts = channel, ts
    entry = session.get(TimelineEntry, posted.entry_id)
    if entry is not None:
        entry.slack_channel, entry.slack_ts = channel, ts


# ---- snapshot for rendering -------------------------------------------------------------


@dataclass(frozen=True)
class AddressedItem:
    """A grievance the update addresses, as the message shows it."""

    number: int
    text: str
    status: Status
    moved: bool


@dataclass(frozen=True)
class UpdateSnapshot:
    """Everything the update's message shows, read in one transaction."""

    client_name: str
    author_name: str | None
    text: str
    version: int | None
    strategy_channel: str | None
    strategy_ts: str | None
    ticked: list[str]
    actions_done: int
    actions_total: int
    addressed: list[AddressedItem]
    #: What the message's *Correct* and *Withdraw* buttons carry.
    ref: UpdateRef


def snapshot(*, session: Session, ref: UpdateRef) -> UpdateSnapshot:
    """Read an update, its strategy and what it ticked and moved into plain values."""
    update = session.scalars(
        select(ProgressUpdate)
        .options(selectinload(ProgressUpdate.addressed))
        .where(ProgressUpdate.id == ref.update)
    ).one()
    strategy = session.get(Strategy, update.strategy_id) if update.strategy_id else None
    actions = list(strategy.actions) if strategy else []
    author = session.get(Person, update.author_id) if update.author_id else None
    case = session.get_one(Case, update.case_id)
    ticked = set(ref.ticked)
    moved = set(ref.moved)
    return UpdateSnapshot(
        client_name=case.client_name,
        author_name=author.display_name if author else None,
        text=update.text,
        version=strategy.version if strategy else None,
        strategy_channel=strategy.slack_channel if strategy else None,
        strategy_ts=strategy.slack_ts if strategy else None,
        ticked=[a.text for a in actions if a.id in ticked],
        actions_done=sum(1 for a in actions if a.done_at is not None),
        actions_total=len(actions),
        addressed=[
            AddressedItem(g.number, g.text, g.status, g.id in moved)
            for g in sorted(update.addressed, key=lambda g: g.number)
        ],
        ref=ref,
    )
