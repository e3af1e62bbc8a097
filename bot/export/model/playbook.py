"""The playbook's records: interviews, strategy versions and the progress reported on them.

A grievance a reader may not see is never named here by number: ``addressed`` lists the
numbers the reader may see and ``withheld_addressed`` counts the others, so the list is
known to be partial (:mod:`bot.export.rules`).
"""

from __future__ import annotations

from datetime import date

from bot.export.model.base import Instant, Record
from bot.export.model.people import PersonRef


class QuestionSetRecord(Record):
    """A case's own interview questions for one side, in the order they are asked."""

    id: int
    side: str
    questions: tuple[str, ...]


class AnswerRecord(Record):
    """One answer of an interview, with its question as it was asked (an anonymous
    interview's answers have no id or time: they would point back to the person)."""

    id: int | None
    position: int
    question: str
    answer: str
    updated_at: Instant | None


class InterviewRecord(Record):
    """An interview of one stakeholder and what they answered.

    An ``anonymous`` interview has no id, person, inviter, times or DM (any of them would
    lead back to the person), only ``speaker``; ``withheld`` ones have no answers either.
    """

    id: int | None
    person: PersonRef | None
    speaker: str
    anonymous: bool
    withheld: bool = False
    invited_by: PersonRef | None
    status: str
    invited_at: Instant | None
    answered_at: Instant | None
    reminded_at: Instant | None
    dm_channel: str | None
    dm_ts: str | None
    answers: tuple[AnswerRecord, ...] = ()


class ActionRecord(Record):
    """One action of a strategy; the owner is as typed (a Slack id, a name, or neither)."""

    id: int
    position: int
    text: str
    owner_user_id: str | None
    owner_name: str | None
    due: date | None
    done_at: Instant | None


class VoteRecord(Record):
    """Someone's current vote on a strategy version, and the reaction that cast it."""

    id: int
    person: PersonRef
    kind: str
    reaction: str
    updated_at: Instant


class StrategyRecord(Record):
    """One strategy version with its actions, addressed grievances and votes."""

    id: int
    version: int
    author: PersonRef | None
    summary: str
    success_measures: tuple[str, ...]
    previous_id: int | None
    previous_version: int | None
    status: str
    slack_channel: str | None
    slack_ts: str | None
    created_at: Instant
    approved_at: Instant | None
    actions: tuple[ActionRecord, ...] = ()
    addressed: tuple[int, ...] = ()
    withheld_addressed: int = 0
    votes: tuple[VoteRecord, ...] = ()


class ProgressUpdateRecord(Record):
    """A progress update posted to the case channel and the grievances it addressed."""

    id: int
    author: PersonRef | None
    strategy_id: int | None
    strategy_version: int | None
    text: str
    slack_channel: str | None
    slack_ts: str | None
    created_at: Instant
    addressed: tuple[int, ...] = ()
    withheld_addressed: int = 0
