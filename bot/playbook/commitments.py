"""Commitments: the rework made concrete, as promises with an owner and a due day.

A lead or a team member records what someone will do by when (``/grievance commit
@owner <due> <what>``): the team's own work, or what the client owes. The due day is a
day in the case's time zone; a commitment is *kept* when it is done on or before it,
*late* when done after, and *overdue* while it is still open after it. Health counts
the ones due so far (``tally``): kept ones raise it, late and overdue ones lower it.

An *internal* commitment is the team's own business: it is never posted in the channel,
never shown to the client side and never counted where they read (health, the digest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.playbook import health
from bot.playbook.access import AccessRole, Action, is_lead, require, role_of
from bot.playbook.commitment_tally import case_today, case_zone
from bot.playbook.errors import PlaybookError
from bot.playbook.strategy.lines import take_due
from bot.playbook.timeline import Kind, record
from storage.models import (
    Case,
    Commitment,
    CommitmentGrievance,
    Grievance,
    Person,
    Side,
    Strategy,
    StrategyGrievance,
)
from storage.rows import lock, plain

MAX_TEXT = 500
USAGE = (
    "Use `/grievance commit @owner <due> <what>`, for example "
    "`/grievance commit @ana friday Send the rollback plan #3`. The due day can be a date "
    "(2026-12-18, 18 December), today, tomorrow, a weekday, or in 2 weeks; `#3` links "
    "grievance 3; `[internal]` keeps it from the client side. "
    "`/grievance commit` lists them; `/grievance commit done 3 [note]` marks one done."
)
GONE = "That commitment no longer exists."
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IN = re.compile(r"in\s+(\d{1,3})\s+(day|week)s?\b", re.IGNORECASE)
_GRIEVANCE_REF = re.compile(r"(?<![\w<])#(\d{1,9})\b")
_INTERNAL = re.compile(r"\[internal\]", re.IGNORECASE)
_OWNER = re.compile(r"(me|<@([UW][A-Z0-9]+)(?:\|[^>]*)?>)\s+", re.IGNORECASE)


class CommitmentError(PlaybookError):
    """A commitment that cannot be recorded as typed; the message says how to fix it."""


@dataclass(frozen=True)
class CommitmentDraft:
    """A commitment as typed: whose (None: the typist's own), by when, what, and links."""

    owner_user_id: str | None
    due: date
    text: str
    grievance_numbers: tuple[int, ...] = ()
    internal: bool = False


def take_due_words(words: str, today: date) -> tuple[date, str]:
    """The due day the words start with, and the words after it.

    A date anywhere in the words (``2026-12-18``, ``by 18 December``) also counts, as in
    a strategy's action lines; a day already past is refused rather than guessed."""
    head, _, rest = words.strip().partition(" ")
    word = head.lower().rstrip(",:")
    if word in ("by", "due", "before") and rest:
        head, _, rest = rest.strip().partition(" ")
        word = head.lower().rstrip(",:")
    if word == "today":
        return today, rest
    if word == "tomorrow":
        return today + timedelta(days=1), rest
    for index, name in enumerate(_WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return today + timedelta(days=(index - today.weekday()) % 7), rest
    within = _IN.match(words.strip())
    if within:
        count, unit = int(within.group(1)), within.group(2).lower()
        days = count * (7 if unit == "week" else 1)
        return today + timedelta(days=days), words.strip()[within.end() :]
    remaining, due = take_due(words, today)
    if due is None:
        raise CommitmentError(f"I couldn't tell when it is due. {USAGE}")
    return due, remaining


def parse(args: str, today: date) -> CommitmentDraft:
    """Read ``@owner <due> <what> [#n …] [internal]`` (``me`` for the typist)."""
    owner = _OWNER.match(args.strip() + " ")
    if owner is None:
        raise CommitmentError(f"Name whose commitment it is first. {USAGE}")
    due, rest = take_due_words(args.strip()[owner.end() :], today)
    if due < today:
        raise CommitmentError("That day has already passed; pick a day from today on.")
    internal = bool(_INTERNAL.search(rest))
    numbers = tuple(dict.fromkeys(int(n) for n in _GRIEVANCE_REF.findall(rest)))
    text = " ".join(_GRIEVANCE_REF.sub("", _INTERNAL.sub("", rest)).split())
    if not text:
        raise CommitmentError(f"Say what will be done. {USAGE}")
    if len(text) > MAX_TEXT:
        raise CommitmentError(f"Keep a commitment under {MAX_TEXT} characters.")
    return CommitmentDraft(
        owner_user_id=owner.group(2),
        due=due,
        text=text,
        grievance_numbers=numbers,
        internal=internal,
    )


def _linked(session: Session, case: Case, numbers: tuple[int, ...], internal: bool) -> list[int]:
    """The ids of the grievances ``numbers`` name in ``case``; refuses unknown ones, and
    confidential ones on a commitment the client side may read."""
    found = {
        g.number: g
        for g in session.scalars(
            select(Grievance).where(Grievance.case_id == case.id, Grievance.number.in_(numbers))
        )
    }
    missing = [f"#{n}" for n in numbers if n not in found]
    if missing:
        raise CommitmentError(f"This case has no grievance {', '.join(missing)}.")
    hidden = [f"#{n}" for n in numbers if found[n].confidential]
    if hidden and not internal:
        raise CommitmentError(
            f"{', '.join(hidden)} is confidential: link it from an `[internal]` commitment, "
            "which the client side never sees."
        )
    return [found[n].id for n in numbers]


_HIGHEST = select(func.max(Commitment.number)).where(Commitment.case_id == bindparam("case_id"))


def make(
    *, session: Session, case: Case, author: Person, owner: Person, draft: CommitmentDraft
) -> Commitment:
    """Record ``draft`` on ``case``, owned by ``owner``; the delivery team records them."""
    require(session=session, case=case, person=author, action=Action.MAKE_COMMITMENT)
    if case.closed_at is not None:
        raise CommitmentError("This case is closed; reopen it to record new commitments.")
    if draft.internal and owner.side is Side.CLIENT:
        raise CommitmentError(
            "An internal commitment is kept from the client side, so its owner must be on "
            "the team side."
        )
    links = _linked(session, case, draft.grievance_numbers, draft.internal)
    lock(session, case)
    commitment = Commitment(
        case_id=case.id,
        number=(plain(session).scalar(_HIGHEST, {"case_id": case.id}) or 0) + 1,
        text=draft.text,
        owner_id=owner.id,
        created_by_id=author.id,
        due=draft.due,
        internal=draft.internal,
    )
    session.add(commitment)
    session.flush()
    session.add_all(CommitmentGrievance(commitment_id=commitment.id, grievance_id=g) for g in links)
    record(
        session=session,
        case=case,
        kind=Kind.COMMITMENT_MADE,
        author=author,
        text=f"Commitment #{commitment.number}: {owner.display_name} will {draft.text} "
        f"by {draft.due:%a %d %b %Y}",
        confidential=draft.internal,
    )
    return commitment


def find(*, session: Session, case: Case, number: int) -> Commitment:
    """The case's commitment ``number``, refusing with ``GONE`` when there is none."""
    found = session.scalar(
        select(Commitment).where(Commitment.case_id == case.id, Commitment.number == number)
    )
    if found is None:
        raise CommitmentError(GONE)
    return found


def may_see(*, session: Session, case: Case, viewer: Person | None, commitment: Commitment) -> bool:
    """Everyone sees a commitment but an internal one, which the client side never sees."""
    if not commitment.internal:
        return True
    return role_of(session=session, case=case, person=viewer) is not AccessRole.CLIENT


def complete(
    *, session: Session, commitment: Commitment, actor: Person, note: str, now: datetime
) -> bool:
    """Mark ``commitment`` done by ``actor`` (its owner, or a lead) with an optional
    ``note``; True when it was done on time. The case's health moves with it."""
    case = commitment.case
    require(session=session, case=case, person=actor, action=Action.VIEW_HISTORY)
    if not may_see(session=session, case=case, viewer=actor, commitment=commitment):
        raise CommitmentError(GONE)
    if actor.id != commitment.owner_id and not is_lead(session=session, case=case, person=actor):
        raise CommitmentError("Only its owner or a lead of this case can mark it done.")
    if commitment.done_at is not None:
        raise CommitmentError(f"Commitment #{commitment.number} is already done.")
    commitment.done_at, commitment.done_by_id = now, actor.id
    commitment.done_note = note.strip()[:MAX_TEXT] or None
    on_time = case_today(case, now) <= commitment.due
    said = f": {commitment.done_note}" if commitment.done_note else ""
    record(
        session=session,
        case=case,
        kind=Kind.COMMITMENT_DONE,
        author=actor,
        text=f"Commitment #{commitment.number} done {'on time' if on_time else 'late'} "
        f"by {actor.display_name}{said}",
        confidential=commitment.internal,
    )
    if not commitment.internal:
        health.rescore(session=session, case=case, now=now)
    return on_time


def state(commitment: Commitment, today: date) -> str:
    """``kept``, ``late``, ``overdue`` or ``open``, on ``today`` (the case's)."""
    if commitment.done_at is not None:
        done_day = commitment.done_at.astimezone(case_zone(commitment.case)).date()
        return "kept" if done_day <= commitment.due else "late"
    return "overdue" if today > commitment.due else "open"


def listed(*, session: Session, case: Case, viewer: Person | None) -> list[Commitment]:
    """The case's commitments ``viewer`` may see, by due day."""
    found = session.scalars(
        select(Commitment)
        .where(Commitment.case_id == case.id)
        .order_by(Commitment.due, Commitment.number)
    )
    return [c for c in found if may_see(session=session, case=case, viewer=viewer, commitment=c)]


def mark_overdue(*, session: Session, commitment_id: int) -> bool:
    """Claim the one overdue notice of a commitment; False when it was claimed before."""
    flipped = plain(session).execute(
        update(Commitment)
        .where(Commitment.id == commitment_id, Commitment.overdue_told.is_(False))
        .values(overdue_told=True, reminded_eve=True, reminded_day=True)
    )
    return bool(flipped.rowcount)


def mark_reminded(*, session: Session, commitment_id: int, on_the_day: bool) -> bool:
    """Claim the day-before (or on-the-day) reminder; False when it was claimed before."""
    flag = Commitment.reminded_day if on_the_day else Commitment.reminded_eve
    values = {"reminded_day": True, "reminded_eve": True} if on_the_day else {"reminded_eve": True}
    flipped = plain(session).execute(
        update(Commitment)
        .where(Commitment.id == commitment_id, flag.is_(False), Commitment.done_at.is_(None))
        .values(**values)
    )
    return bool(flipped.rowcount)


def from_strategy(
    *, session: Session, case: Case, author: Person, strategy: Strategy, today: date
) -> list[Commitment]:
    """The strategy's actions that name an owner the bot knows and a day still to come
    become commitments answering the strategy's grievances (those the client side may
    see); an action already promised by the same owner, and still open, is not promised
    twice when a new version repeats it."""
    numbers = tuple(
        g.number
        for g in session.scalars(
            select(Grievance)
            .join(StrategyGrievance, StrategyGrievance.grievance_id == Grievance.id)
            .where(StrategyGrievance.strategy_id == strategy.id)
            .order_by(Grievance.number)
        )
        if not g.confidential
    )
    open_promises = {
        (c.owner_id, c.text)
        for c in session.scalars(
            select(Commitment).where(Commitment.case_id == case.id, Commitment.done_at.is_(None))
        )
    }
    made = []
    for action in strategy.actions:
        if not action.owner_user_id or action.due is None or action.due < today:
            continue
        owner = session.scalar(
            select(Person).where(
                Person.workspace_id == case.workspace_id,
                Person.slack_user_id == action.owner_user_id,
            )
        )
        text = " ".join(action.text.split())[:MAX_TEXT]
        if owner is None or not text or (owner.id, text) in open_promises:
            continue
        draft = CommitmentDraft(
            owner_user_id=action.owner_user_id, due=action.due, text=text, grievance_numbers=numbers
        )
        made.append(make(session=session, case=case, author=author, owner=owner, draft=draft))
        open_promises.add((owner.id, text))
    return made
