"""Commitment intents: record one, list them, mark one done, remember its message.

Each owns its one transaction and hands back plain views (``CommitmentView``), so the
listeners in ``handlers.commitments`` and the reminder job render without a session.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows import scope
from bot.flows.item_scope import Reach, require_in_scope
from bot.ids import row_id
from bot.playbook import access, people
from bot.playbook import commitments as playbook
from bot.playbook.commitments import CommitmentDraft
from bot.playbook.deliveries import AlreadyHandled, Delivery, claim
from bot.playbook.errors import PlaybookError
from storage.engine import Database
from storage.models import Commitment, CommitmentGrievance, Grievance, Person


@dataclass(frozen=True)
class CommitmentView:
    """A commitment as its messages show it."""

    id: int
    number: int
    text: str
    owner_name: str
    owner_user_id: str | None
    due: date
    internal: bool
    #: ``open``, ``overdue``, ``kept`` or ``late`` (``bot.playbook.commitments.state``).
    state: str
    done_note: str | None
    grievance_numbers: tuple[int, ...]
    client_name: str
    channel_id: str
    #: Its message in the channel, when it was posted there: (channel, ts).
    message: tuple[str, str] | None = None


def views(
    session: Session, commitments: Sequence[Commitment], now: datetime
) -> tuple[CommitmentView, ...]:
    """``commitments`` as read now, inside the caller's transaction: the grievances each
    answers are read in one statement for them all, however long the list."""
    numbers: dict[int, list[int]] = {c.id: [] for c in commitments}
    if numbers:
        for commitment_id, number in session.execute(
            select(CommitmentGrievance.commitment_id, Grievance.number)
            .join(Grievance, Grievance.id == CommitmentGrievance.grievance_id)
            .where(CommitmentGrievance.commitment_id.in_(numbers))
            .order_by(Grievance.number)
        ).tuples():
            numbers[commitment_id].append(number)
    return tuple(_view(c, tuple(numbers[c.id]), now) for c in commitments)


def view(session: Session, commitment: Commitment, now: datetime) -> CommitmentView:
    """One commitment as read now (``views`` of one)."""
    return views(session, [commitment], now)[0]


def _view(commitment: Commitment, numbers: tuple[int, ...], now: datetime) -> CommitmentView:
    case = commitment.case
    owner = commitment.owner
    return CommitmentView(
        id=commitment.id,
        number=commitment.number,
        text=commitment.text,
        owner_name=owner.display_name if owner else "someone no longer on record",
        owner_user_id=owner.slack_user_id if owner else None,
        due=commitment.due,
        internal=commitment.internal,
        state=playbook.state(commitment, playbook.case_today(case, now)),
        done_note=commitment.done_note,
        grievance_numbers=numbers,
        client_name=case.client_name,
        channel_id=case.channel_id,
        message=(commitment.slack_channel, commitment.slack_ts)
        if commitment.slack_channel and commitment.slack_ts
        else None,
    )


@dataclass(frozen=True)
class Made:
    """A recorded commitment, and who made it."""

    commitment: CommitmentView
    author_user_id: str


def make(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    caller: people.Profile,
    owner: people.Profile | None,
    args: str,
    now: datetime,
    thread_ts: str | None = None,
) -> Made:
    """Record the commitment ``args`` types on the channel's case (``owner`` None: the
    caller's own); typed in a grievance's thread (``thread_ts``), it answers that one."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        draft: CommitmentDraft = playbook.parse(args, playbook.case_today(found.case, now))
        answered = _grievance_of_thread(session, found.case.id, channel_id, thread_ts)
        if answered is not None and answered not in draft.grievance_numbers:
            draft = replace(draft, grievance_numbers=(answered, *draft.grievance_numbers))
        owner_person = (
            people.ensure_person(session=session, workspace=found.case.workspace, profile=owner)
            if owner is not None
            else found.person
        )
        made = playbook.make(
            session=session, case=found.case, author=found.person, owner=owner_person, draft=draft
        )
        return Made(view(session, made, now), caller.user_id)


def _grievance_of_thread(
    session: Session, case_id: int, channel_id: str, thread_ts: str | None
) -> int | None:
    """The number of the case's grievance whose thread starts at ``thread_ts``, if any."""
    if thread_ts is None:
        return None
    return session.scalar(
        select(Grievance.number).where(
            Grievance.case_id == case_id,
            Grievance.slack_channel == channel_id,
            Grievance.slack_ts == thread_ts,
        )
    )


def mark_posted(db: Database, commitment_id: int, *, channel: str, ts: str) -> None:
    """Remember the commitment's message in the channel."""
    with db.transaction() as session:
        commitment = session.get_one(Commitment, commitment_id)
        commitment.slack_channel, commitment.slack_ts = channel, ts


@dataclass(frozen=True)
class Listing:
    """The commitments of a case its reader may see."""

    client_name: str
    commitments: tuple[CommitmentView, ...]


def listing(
    db: Database, *, team_id: str, channel_id: str, caller: people.Profile, now: datetime
) -> Listing:
    """The channel's case's commitments, as ``caller`` may see them."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        access.require(
            session=session, case=found.case, person=found.person, action=access.Action.VIEW_HISTORY
        )
        shown = playbook.listed(session=session, case=found.case, viewer=found.person)
        return Listing(found.case.client_name, views(session, shown, now))


@dataclass(frozen=True)
class Done:
    """A commitment marked done, and whom to tell."""

    commitment: CommitmentView
    on_time: bool
    by_name: str
    #: The leads and the owner, other than who marked it done (Slack ids).
    tell: tuple[str, ...]


def _completed(
    session: Session, commitment: Commitment, actor: Person, note: str, now: datetime
) -> Done:
    on_time = playbook.complete(
        session=session, commitment=commitment, actor=actor, note=note, now=now
    )
    case = commitment.case
    others = [lead.slack_user_id for lead in access.leads_of(session=session, case=case)]
    if commitment.owner is not None:
        others.append(commitment.owner.slack_user_id)
    tell = tuple(dict.fromkeys(u for u in others if u and u != actor.slack_user_id))
    return Done(view(session, commitment, now), on_time, actor.display_name, tell)


def complete_by_number(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    caller: people.Profile,
    number: int,
    note: str,
    now: datetime,
) -> Done:
    """``/grievance commit done <n> [note]`` in the case's channel."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        commitment = playbook.find(session=session, case=found.case, number=number)
        return _completed(session, commitment, found.person, note, now)


def complete_by_button(db: Database, *, value: str, reach: Reach, now: datetime) -> Done:
    """The *Done* button of a commitment's message or reminder: its value is a claim,
    checked against who pressed it and where."""
    with db.transaction() as session:
        commitment_id = row_id(value)
        commitment = session.get(Commitment, commitment_id) if commitment_id else None
        if commitment is None:
            raise PlaybookError(playbook.GONE)
        actor = require_in_scope(session, commitment.case, reach, gone=playbook.GONE)
        if actor is None:
            raise PlaybookError(access.UNKNOWN_PERSON)
        return _completed(session, commitment, actor, "", now)


#: A reply that marks its commitment done: ``done``, then optionally a note.
_DONE = re.compile(r"done\b[\s:,.!—–-]*(.*)", re.IGNORECASE | re.DOTALL)


def done_in_thread(
    db: Database,
    *,
    team_id: str,
    channel: str,
    thread_ts: str,
    user_id: str,
    text: str,
    delivery: Delivery | None,
    now: datetime,
) -> Done | None:
    """A reply ``done [note]`` in a commitment's thread, by its owner or a lead, marks it
    done (the rest is the note); None for any other reply, thread or person, and for a
    retry of one already counted."""
    said = _DONE.fullmatch(text.strip())
    if said is None:
        return None
    try:
        with db.transaction() as session:
            commitment = session.scalar(
                select(Commitment).where(
                    Commitment.slack_channel == channel, Commitment.slack_ts == thread_ts
                )
            )
            if commitment is None or commitment.case.workspace.team_id != team_id:
                return None
            actor = people.find_person(
                session=session, workspace=commitment.case.workspace, user_id=user_id
            )
            if actor is None or commitment.done_at is not None:
                return None
            claim(session=session, delivery=delivery, now=now)
            return _completed(session, commitment, actor, said.group(1), now)
    except AlreadyHandled:
        return None
