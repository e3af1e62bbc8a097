"""Data-subject requests: erase one person's words, or delete a whole case.

Two operator commands sit on top of this module (``grievance-bot purge --user`` and
``--case``); the CLI only parses, confirms and prints, so the rules live here.

**Erasing a person** keeps the *shape* of the history and removes its *words*. A case's
history is evidence of how a recovery went (how many grievances, how severe, how fast
they were acknowledged, who approved the strategy, how confidence moved), and other
people's contributions refer to it, so rows are never deleted: numbers, statuses,
severities, ratings, votes and timestamps stay, every text the person wrote becomes
:data:`ERASED_TEXT`, the earlier versions of their edited messages are deleted, and the
person row is renamed :data:`ERASED_NAME` with its Slack user id (and time zone) cleared,
so nothing links the remaining rows back to a Slack account. What counts as their words:

* grievances they raised (or filed without naming anyone else as the raiser): text, what
  they care about, how they measure success, what went well; and the timeline entries
  that carry that text (filed, updated);
* every timeline entry they authored (thread replies, proposals, updates...) and the
  revisions of those entries;
* their interview answers, check-in replies, final-rating comments (and the timeline line
  that quoted an anonymous comment, which has no author to find it by), progress updates
  they posted, strategies they authored and those strategies' actions.

Other people's words are left exactly as they were, even a reply in the thread of one of
the person's grievances: erasing one person must not erase another. Their name is a
different matter: the bot's own timeline lines ("carla invited to an interview", "Final
rating 4/5 from carla") are nobody's words, so the name is replaced there too; a name
typed by someone else inside their own message is that person's words and stays.

A deleted Slack message is already blank (empty text, ``deleted``): it is skipped, never
overwritten with the erasure mark, so a purge cannot "undelete" that something was said.
Empty answers stay empty for the same reason: the mark says "words were here".

**Deleting a case** removes every row that belongs to it. The rows are found by walking
the schema's ``ON DELETE CASCADE`` foreign keys from ``client_case`` (so a table added
later is counted without touching this module), counted for the confirmation, and then
deleted by deleting the case row and letting the database cascade, exactly as the schema
declares. People and the workspace are not the case's: they may belong to other cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    delete,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.export import find_cases
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind
from storage.models import (
    Base,
    Case,
    CheckinAnswer,
    EntryRevision,
    FinalRating,
    Grievance,
    Interview,
    InterviewAnswer,
    Person,
    ProgressUpdate,
    Strategy,
    StrategyAction,
    TimelineEntry,
    Workspace,
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


class AmbiguousCaseError(PlaybookError):
    """A client name matched cases in several workspaces; deleting all would be a guess."""

    def __init__(self, case_filter: str, labels: Sequence[str]) -> None:
        self.case_filter = case_filter
        self.labels = tuple(labels)
        super().__init__(
            f"{case_filter!r} matches {len(labels)} cases: {'; '.join(labels)}; "
            "name one by its channel id"
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


@dataclass(frozen=True, slots=True)
class CasePurgeSummary:
    """Which case is (or was) deleted and how many rows of each table belong to it."""

    case_id: int
    client_name: str
    channel_id: str
    team_id: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        """All rows, the case's own included."""
        return sum(self.rows.values())


# ---- erasing a person ---------------------------------------------------------------------


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


# ---- deleting a case ----------------------------------------------------------------------


def find_case(*, session: Session, case_filter: str) -> Case:
    """The one case with this client name or channel id.

    Raises :class:`~bot.export.UnknownCaseError` (listing the known cases) when
    nothing matches, and :class:`AmbiguousCaseError` when a name matches several: a
    deletion must never pick among cases on the operator's behalf.
    """
    matches = find_cases(session=session, case_filter=case_filter)
    if len(matches) > 1:
        raise AmbiguousCaseError(case_filter, [_label(session, case) for case in matches])
    return matches[0]


def _label(session: Session, case: Case) -> str:
    team = session.scalar(select(Workspace.team_id).where(Workspace.id == case.workspace_id))
    return f"{case.client_name} ({case.channel_id} in {team})"


def case_rows(case_id: int) -> dict[str, Select[tuple[int]]]:
    """For every table owned by a case, a query of the owned rows' count.

    A table is owned when a cascading foreign key leads to ``client_case`` directly or
    through another owned table (revisions through entries, answers through occurrences
    through schedules...). Derived from the schema so new tables are never forgotten.
    """
    owned: dict[str, ColumnElement[bool]] = {}
    case_table = Case.__table__
    tables = Base.metadata.sorted_tables  # parents before children
    for table in tables:
        if table is case_table:
            owned[table.name] = case_table.c.id == case_id
            continue
        conditions = [
            column.in_(select(fk.column).where(owned[fk.column.table.name]))
            for column in table.columns
            for fk in column.foreign_keys
            if fk.ondelete == "CASCADE" and fk.column.table.name in owned
        ]
        if conditions:
            owned[table.name] = or_(*conditions)
    return {
        name: select(func.count()).select_from(_table(name)).where(condition)
        for name, condition in owned.items()
    }


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def plan_case_purge(*, session: Session, case_filter: str) -> CasePurgeSummary:
    """What :func:`purge_case` would delete, read in its own (short) transaction."""
    case = find_case(session=session, case_filter=case_filter)
    return _case_summary(session, case)


def purge_case(*, session: Session, case_filter: str) -> CasePurgeSummary:
    """Delete the case and, through the schema's cascades, every row that belongs to it.

    Returns the counts taken just before the deletion; the caller commits.
    """
    case = find_case(session=session, case_filter=case_filter)
    summary = _case_summary(session, case)
    session.execute(delete(Case).where(Case.id == case.id))
    session.expunge_all()  # the cascade happened in the database, behind the ORM's back
    return summary


def _case_summary(session: Session, case: Case) -> CasePurgeSummary:
    team_id = session.scalar(select(Workspace.team_id).where(Workspace.id == case.workspace_id))
    rows = {name: session.scalar(query) or 0 for name, query in case_rows(case.id).items()}
    return CasePurgeSummary(
        case_id=case.id,
        client_name=case.client_name,
        channel_id=case.channel_id,
        team_id=team_id or "",
        rows=rows,
    )
