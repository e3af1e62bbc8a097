"""Erasing one person's words (``grievance-bot purge --user``), keeping the history's shape.

Finding what counts as the person's words, counting it for the confirmation and, once
confirmed, overwriting it with the erasure mark, by the same rules both times; see
:mod:`bot.playbook.purge` for what is erased and what stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from sqlalchemy import ColumnElement, and_, delete, inspect, or_, select, update
from sqlalchemy.orm import Session

from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind
from storage.models import (
    Base,
    Case,
    CheckinAnswer,
    Commitment,
    EntryRevision,
    FinalRating,
    Grievance,
    Interview,
    InterviewAnswer,
    Person,
    ProgressUpdate,
    PulseReply,
    Strategy,
    StrategyAction,
    TimelineEntry,
)

#: What replaces each erased text; says why the words are missing, so a reader of the
#: history does not take the gap for a bug or for silence.
ERASED_TEXT = "[erased at the person's request]"
#: The display name an erased person keeps, so the rows still read as someone's.
ERASED_NAME = "erased person"

#: Timeline kinds whose text is a grievance's own text (its words, not the bot's).
GRIEVANCE_TEXT_KINDS = (Kind.GRIEVANCE_FILED.value, Kind.GRIEVANCE_UPDATED.value)
#: Kinds whose text is someone's words; a name inside them is that author's to keep.
WORD_KINDS = frozenset(
    {
        Kind.REPLY.value,
        Kind.GRIEVANCE_FILED.value,
        Kind.GRIEVANCE_UPDATED.value,
        Kind.PROGRESS_UPDATE.value,
        Kind.PROGRESS_CORRECTED.value,
        Kind.STRATEGY_PROPOSED.value,
    }
)
#: The timeline line of a final rating quotes at most this much of the comment.
FINAL_RATING_QUOTE = 300


class UnknownUserError(PlaybookError):
    """No person has this Slack user id (never met, or already erased)."""

    def __init__(self, slack_user_id: str) -> None:
        self.slack_user_id = slack_user_id
        super().__init__(
            f"no person with Slack user id {slack_user_id!r} is known "
            "(never met by the bot, or already erased)"
        )


@dataclass(frozen=True, slots=True)
class UserPurgeSummary:
    """What erasing one person changes (or changed), per kind of row.

    Every count is of rows whose text actually changes, so a second look after the purge
    (or a purge of someone who wrote nothing) reads as zeros rather than as work redone.
    """

    people: int = 0
    grievances: int = 0
    timeline_entries: int = 0
    revisions_deleted: int = 0
    interview_answers: int = 0
    checkin_answers: int = 0
    final_rating_comments: int = 0
    pulse_comments: int = 0
    commitments: int = 0
    progress_updates: int = 0
    strategies: int = 0
    strategy_actions: int = 0
    actions_owned: int = 0
    name_mentions: int = 0
    #: Internal ids of the person rows (one per workspace); not the Slack id, which is gone.
    person_ids: tuple[int, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """The per-kind counts, in a stable order, for printing and the log line."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "person_ids"}


def plan_user_purge(*, session: Session, slack_user_id: str) -> UserPurgeSummary:
    """What :func:`purge_user` would change, without changing anything.

    A separate read so the CLI can ask for confirmation *without* holding a write
    transaction open while a human reads the numbers (on SQLite that would block the bot).
    """
    return _erase_user(session=session, slack_user_id=slack_user_id, apply=False)


def purge_user(*, session: Session, slack_user_id: str) -> UserPurgeSummary:
    """Erase every word of the person with this Slack id; the caller commits.

    Raises :class:`UnknownUserError` when nobody has that id.
    """
    return _erase_user(session=session, slack_user_id=slack_user_id, apply=True)


def _has_words(text: str | None) -> bool:
    """True for a text worth erasing: not absent, not blank (deleted), not erased already."""
    return bool(text and text.strip()) and text != ERASED_TEXT


def _name_pattern(name: str) -> re.Pattern[str]:
    """The name as a whole word, so "Ana" does not rewrite "Banana"."""
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")


def _erase_user(*, session: Session, slack_user_id: str, apply: bool) -> UserPurgeSummary:
    """Find everything the person wrote and, when ``apply``, erase it.

    One function for both the plan and the change, so the numbers shown before the
    confirmation are computed by exactly the rules that then act on them.
    """
    wanted = slack_user_id.strip()
    people = list(
        session.scalars(select(Person).where(Person.slack_user_id == wanted).order_by(Person.id))
    )
    if not wanted or not people:
        raise UnknownUserError(slack_user_id)
    ids = [p.id for p in people]
    names = {p.workspace_id: p.display_name for p in people}

    grievances = list(
        session.scalars(
            select(Grievance).where(
                or_(
                    Grievance.raised_by_id.in_(ids),
                    and_(Grievance.raised_by_id.is_(None), Grievance.reporter_id.in_(ids)),
                )
            )
        )
    )
    grievance_ids = [g.id for g in grievances]
    theirs: ColumnElement[bool] = or_(
        TimelineEntry.author_id.in_(ids),
        and_(
            TimelineEntry.grievance_id.in_(grievance_ids),
            TimelineEntry.kind.in_(GRIEVANCE_TEXT_KINDS),
        ),
    )
    entries = [
        e
        for e in session.scalars(
            select(TimelineEntry).where(theirs, TimelineEntry.deleted.is_(False))
        )
        if _has_words(e.text)
    ]
    ratings = list(session.scalars(select(FinalRating).where(FinalRating.person_id.in_(ids))))
    entries += _anonymous_rating_lines(session, ratings, {e.id for e in entries})
    revisions = list(
        session.scalars(
            select(EntryRevision).where(
                EntryRevision.entry_id.in_(select(TimelineEntry.id).where(theirs))
            )
        )
    )
    answers = [
        a
        for a in session.scalars(
            select(InterviewAnswer)
            .join(Interview, Interview.id == InterviewAnswer.interview_id)
            .where(Interview.person_id.in_(ids))
        )
        if _has_words(a.answer)
    ]
    checkin_answers = [
        a
        for a in session.scalars(select(CheckinAnswer).where(CheckinAnswer.person_id.in_(ids)))
        if _has_words(a.text)
    ]
    ratings = [r for r in ratings if _has_words(r.comment)]
    pulse_replies = [
        r
        for r in session.scalars(select(PulseReply).where(PulseReply.person_id.in_(ids)))
        if _has_words(r.comment)
    ]
    promised = [
        c
        for c in session.scalars(select(Commitment).where(Commitment.created_by_id.in_(ids)))
        if _has_words(c.text)
    ]
    done_notes = [
        c
        for c in session.scalars(select(Commitment).where(Commitment.done_by_id.in_(ids)))
        if _has_words(c.done_note)
    ]
    updates = [
        u
        for u in session.scalars(select(ProgressUpdate).where(ProgressUpdate.author_id.in_(ids)))
        if _has_words(u.text)
    ]
    strategies = list(session.scalars(select(Strategy).where(Strategy.author_id.in_(ids))))
    summaries = [s for s in strategies if _has_words(s.summary)]
    actions = [
        a
        for a in session.scalars(
            select(StrategyAction).where(StrategyAction.strategy_id.in_([s.id for s in strategies]))
        )
        if _has_words(a.text)
    ]
    owned_actions = list(
        session.scalars(select(StrategyAction).where(StrategyAction.owner_user_id == wanted))
    )
    erased_entry_ids = {e.id for e in entries}
    mentions = [
        (entry, pattern)
        for workspace_id, name in names.items()
        if name.strip() and name != ERASED_NAME
        for pattern in [_name_pattern(name)]
        for entry in _bot_lines_naming(session, workspace_id, name)
        if entry.id not in erased_entry_ids and pattern.search(entry.text)
    ]
    grievances_changed = [g for g in grievances if _grievance_has_words(g)]

    if apply:
        writes: list[tuple[Base, dict[str, object]]] = []
        for grievance in grievances:
            changes: dict[str, object] = {
                column: ERASED_TEXT
                for column in ("text", "cares_about", "success_measure", "went_well")
                if _has_words(getattr(grievance, column))
            }
            if grievance.raised_by_id in ids and grievance.raised_by_name:
                changes["raised_by_name"] = ERASED_NAME
            writes.append((grievance, changes))
        writes += [(entry, {"text": ERASED_TEXT}) for entry in entries]
        writes += [
            (entry, {"text": pattern.sub(ERASED_NAME, entry.text)}) for entry, pattern in mentions
        ]
        writes += [(answer, {"answer": ERASED_TEXT}) for answer in answers]
        writes += [(answer, {"text": ERASED_TEXT}) for answer in checkin_answers]
        writes += [(rating, {"comment": ERASED_TEXT}) for rating in ratings]
        writes += [(reply, {"comment": ERASED_TEXT}) for reply in pulse_replies]
        writes += [(c, {"text": ERASED_TEXT}) for c in promised]
        writes += [(c, {"done_note": ERASED_TEXT}) for c in done_notes]
        writes += [(progress, {"text": ERASED_TEXT}) for progress in updates]
        writes += [(strategy, {"summary": ERASED_TEXT}) for strategy in summaries]
        writes += [(action, {"text": ERASED_TEXT}) for action in actions]
        writes += [
            (action, {"owner_user_id": None, "owner_name": ERASED_NAME}) for action in owned_actions
        ]
        writes += [
            (
                person,
                {
                    "display_name": ERASED_NAME,
                    "slack_user_id": None,
                    "timezone": None,
                    "slack_names": None,
                },
            )
            for person in people
        ]
        _write(session, writes)
        session.execute(
            delete(EntryRevision).where(
                EntryRevision.entry_id.in_(select(TimelineEntry.id).where(theirs))
            )
        )
        session.expire_all()

    return UserPurgeSummary(
        people=len(people),
        grievances=len(grievances_changed),
        timeline_entries=len(entries),
        revisions_deleted=len(revisions),
        interview_answers=len(answers),
        checkin_answers=len(checkin_answers),
        final_rating_comments=len(ratings),
        pulse_comments=len(pulse_replies),
        commitments=len({c.id for c in (*promised, *done_notes)}),
        progress_updates=len(updates),
        strategies=len(summaries),
        strategy_actions=len(actions),
        actions_owned=len(owned_actions),
        name_mentions=len(mentions),
        person_ids=tuple(ids),
    )


def _write(session: Session, writes: Iterable[tuple[Base, dict[str, object]]]) -> None:
    """Apply each row's changes with an UPDATE that keeps its ``updated_at`` as it was.

    The models stamp ``updated_at`` on every ORM update, but an erasure is not an edit of
    the grievance or the answer: the history's timestamps must stay as they were. So the
    statement sets ``updated_at`` to itself, which suppresses the stamp, and the session's
    copies are expired by the caller rather than kept in step row by row.
    """
    for row, changes in writes:
        if not changes:
            continue
        table = row.__table__
        values = dict(changes)
        if "updated_at" in table.c:
            values["updated_at"] = table.c.updated_at
        key = inspect(row).identity
        primary = [column == value for column, value in zip(table.primary_key, key, strict=True)]
        session.execute(update(table).where(*primary).values(**values))


def _grievance_has_words(grievance: Grievance) -> bool:
    texts = (
        grievance.text,
        grievance.cares_about,
        grievance.success_measure,
        grievance.went_well,
    )
    return any(_has_words(text) for text in texts)


def _anonymous_rating_lines(
    session: Session, ratings: Iterable[FinalRating], already: set[int]
) -> list[TimelineEntry]:
    """Final-rating lines that quote the person's comment but carry no author.

    An anonymous rating's timeline line is recorded without an author (that is what
    anonymous means), so it cannot be found by author; it is found by the quote instead,
    among the authorless final-rating lines of the same case.
    """
    found: list[TimelineEntry] = []
    for rating in ratings:
        if not _has_words(rating.comment):
            continue
        quote = ": " + (rating.comment or "").strip()[:FINAL_RATING_QUOTE]
        lines = session.scalars(
            select(TimelineEntry).where(
                TimelineEntry.case_id == rating.case_id,
                TimelineEntry.kind == Kind.FINAL_RATING.value,
                TimelineEntry.author_id.is_(None),
                TimelineEntry.deleted.is_(False),
            )
        )
        found += [e for e in lines if e.id not in already and e.text.endswith(quote)]
        already |= {e.id for e in found}
    return found


def _bot_lines_naming(session: Session, workspace_id: int, name: str) -> list[TimelineEntry]:
    """The bot's own timeline lines in the workspace whose text contains ``name``."""
    return list(
        session.scalars(
            select(TimelineEntry)
            .join(Case, Case.id == TimelineEntry.case_id)
            .where(
                Case.workspace_id == workspace_id,
                TimelineEntry.kind.not_in(WORD_KINDS),
                TimelineEntry.deleted.is_(False),
                TimelineEntry.text.contains(name, autoescape=True),
            )
        )
    )
