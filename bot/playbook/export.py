"""Gather a case history into one plain, typed document for export.

The export is the team's way out of the bot: a lead hands the history to someone who has
no Slack access, or keeps it when the bot is retired. So this module reads everything the
database knows about a case into frozen dataclasses (no ORM objects escape, so serialisers
never trigger lazy loads) and leaves formatting to :mod:`bot.export_formats`.

Two rules are decided here rather than in each format, so every format agrees:

* confidential grievances, and every entry that belongs to one, are withheld unless the
  caller asks for them, and the document counts what was withheld so a reader knows the
  history is partial; a lead's export also withholds the ones that name that lead
  (``bot.playbook.withheld``), while the operator's full export keeps them and lists, on
  each, whom it is kept from;
* a deleted Slack message is exported as deleted with empty text and no earlier revisions,
  because its author removed it and an export must not bring it back;
* a strategy or progress update that addresses a withheld confidential grievance says
  only how many such grievances it addresses, never their numbers, so the number cannot be
  matched back to the grievance's Slack thread.

* an anonymous interview or final rating never carries its person, nor anything that
  leads back to them (when it was sent, reminded or answered, its DM, who invited them,
  its place in the order): only ``speaker``, what ``bot.playbook.anonymity`` allows ("a
  client leader", "someone on the client side"); where fewer than three people could
  hide among one another its words and score are held back (``withheld``), and the
  document says how many. The database keeps them; an export is read by people who were
  never promised anything.

Check-in answers are exported in full: they were given in the channel, by name.

Notices (the bot's say-once markers) are internal bookkeeping, but they are also the only
record of what the bot told whom and when (a silence alert, a paused schedule), so they are
exported too. Columns that hold JSON (check-in questions, health components) are parsed,
so a reader does not decode JSON inside JSON; text that is not valid JSON is kept verbatim
rather than dropped, since the export is the archive.

Queries are a fixed handful per case (never one per row): cases, leads, grievances,
stakeholders, interviews and their answers, question sets, strategies with their actions,
addressed grievances and votes, check-in schedules with their occurrences, answers and
nudges, progress updates and what they addressed, health snapshots, notices, digest runs,
final ratings, the people all of these mention (batched), revisions, and the timeline
streamed in id order with ``yield_per`` so a case with 100,000 entries does not load
100,000 ORM objects at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bot.playbook import access
from bot.playbook.anonymity import Crowd
from bot.playbook.errors import PlaybookError
from bot.playbook.timeline import Kind, record
from storage.clock import utcnow
from storage.models import (
    Case,
    CaseLead,
    CaseMember,
    CheckinAnswer,
    CheckinNudge,
    CheckinOccurrence,
    CheckinSchedule,
    DigestRun,
    EntryRevision,
    FinalRating,
    Grievance,
    GrievanceWithheld,
    HealthSnapshot,
    Interview,
    InterviewAnswer,
    InterviewQuestions,
    InterviewStatus,
    Notice,
    Person,
    ProgressUpdate,
    ProgressUpdateGrievance,
    Role,
    Side,
    Strategy,
    StrategyAction,
    StrategyGrievance,
    TimelineEntry,
    Vote,
    Workspace,
)

#: Bumped when a consumer of the JSON would have to change how it reads the document.
FORMAT_VERSION = 1

#: The timeline kind of a Slack thread reply under a grievance (its discussion).
REPLY_KIND = "reply"

#: Rows fetched per round trip when streaming the timeline and looking up people.
CHUNK_SIZE = 2_000


class UnknownCaseError(PlaybookError):
    """``--case`` matched nothing; the message lists the cases that do exist."""

    def __init__(self, case_filter: str, known: Sequence[str]) -> None:
        self.case_filter = case_filter
        self.known = tuple(known)
        listing = "; ".join(self.known) if self.known else "there are no cases yet"
        super().__init__(f"no case matches {case_filter!r}; known cases: {listing}")


def as_utc_or_none(value: datetime | None) -> datetime | None:
    """:func:`as_utc` for the optional timestamps (answered, reminded, approved, done)."""
    return None if value is None else as_utc(value)


def split_lines(text: str | None) -> tuple[str, ...]:
    """The items of a one-item-per-line column (questions, success measures).

    The bot writes these as the cleaned items joined by newlines, so splitting gives the
    items back exactly; blank lines carry nothing and are dropped.
    """
    return tuple(line for line in (text or "").splitlines() if line.strip())


def split_commas(text: str | None) -> tuple[str, ...]:
    """The items of a comma-separated column (a check-in schedule's holidays).

    The bot stores these as ISO dates joined by commas, so splitting gives them back;
    stray spaces and empty items carry nothing and are dropped.
    """
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def parse_json_column(text: str | None) -> Any:
    """The value a JSON text column holds, or the text itself when it is not JSON.

    Parsed so the export nests the value instead of a string a reader must decode again;
    an unreadable value is kept as stored, because dropping it would make the archive lossy.
    """
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def as_utc(value: datetime) -> datetime:
    """Give a stored timestamp its offset back.

    SQLite keeps ``DateTime(timezone=True)`` values without their offset, and the models
    only ever write UTC, so a naive value read back is UTC; an aware one is normalised.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """Someone named in the history, with enough to recognise them outside Slack."""

    id: int
    slack_user_id: str | None
    display_name: str
    side: str
    role: str | None
    timezone: str | None
    #: Every name Slack gave them, one per line (how confidential routing recognises them).
    slack_names: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LeadRecord:
    """A lead of a case and who made them one."""

    id: int
    person: PersonRecord
    added_by: PersonRecord | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RevisionRecord:
    """An earlier text of an entry, kept when its Slack message was edited."""

    id: int
    text: str
    replaced_at: datetime


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One timeline entry; replies are the entries of kind ``reply`` under a grievance."""

    id: int
    kind: str
    author: PersonRecord | None
    text: str
    slack_channel: str | None
    slack_ts: str | None
    grievance_id: int | None
    grievance_number: int | None
    confidential: bool
    edited: bool
    deleted: bool
    created_at: datetime
    revisions: tuple[RevisionRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class GrievanceRecord:
    """A grievance with every stored field and its thread replies, oldest first."""

    id: int
    number: int
    raised_by_name: str | None
    raised_by: PersonRecord | None
    reporter: PersonRecord | None
    side: str
    category: str
    severity: int
    text: str
    status: str
    confidential: bool
    cares_about: str | None
    success_measure: str | None
    went_well: str | None
    source_permalink: str | None
    slack_channel: str | None
    slack_ts: str | None
    created_at: datetime
    updated_at: datetime
    replies: list[EntryRecord] = field(default_factory=list)
    #: The leads it names, who do not see it in the bot (``bot.playbook.withheld``).
    withheld_from: tuple[PersonRecord, ...] = ()

    @property
    def raised_by_label(self) -> str:
        """Who raised it, as a reader would say it: the recorded name, else the person."""
        if self.raised_by_name:
            return self.raised_by_name
        return self.raised_by.display_name if self.raised_by else ""


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """A stakeholder of the case and their role; ``created_at`` is when they joined."""

    id: int
    person: PersonRecord
    role: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class QuestionSetRecord:
    """A case's own interview questions for one side, in the order they are asked."""

    id: int
    side: str
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One answer of an interview, with its question as it was asked (an anonymous
    interview's answers have no id or time: they would point back to the person)."""

    id: int | None
    position: int
    question: str
    answer: str
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """An interview of one stakeholder and what they answered.

    An ``anonymous`` interview has no id, person, inviter, times or DM (any of them would
    lead back to the person), only ``speaker``; ``withheld`` ones have no answers either.
    """

    id: int | None
    person: PersonRecord | None
    speaker: str
    invited_by: PersonRecord | None
    status: str
    anonymous: bool
    invited_at: datetime | None
    answered_at: datetime | None
    reminded_at: datetime | None
    dm_channel: str | None
    dm_ts: str | None
    answers: tuple[AnswerRecord, ...] = ()
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One action of a strategy; the owner is as typed (a Slack id, a name, or neither)."""

    id: int
    position: int
    text: str
    owner_user_id: str | None
    owner_name: str | None
    due: date | None
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class VoteRecord:
    """Someone's current vote on a strategy version, and the reaction that cast it."""

    id: int
    person: PersonRecord
    kind: str
    reaction: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StrategyRecord:
    """One strategy version with its actions, addressed grievances and votes.

    ``addressed`` holds grievance numbers the reader may see; ``withheld_addressed`` counts
    the confidential ones left out, so the list is known to be partial.
    """

    id: int
    version: int
    author: PersonRecord | None
    summary: str
    success_measures: tuple[str, ...]
    previous_id: int | None
    previous_version: int | None
    status: str
    slack_channel: str | None
    slack_ts: str | None
    created_at: datetime
    approved_at: datetime | None
    actions: tuple[ActionRecord, ...] = ()
    addressed: tuple[int, ...] = ()
    withheld_addressed: int = 0
    votes: tuple[VoteRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckinAnswerRecord:
    """One answer to a check-in: a rating (1-5, by button) or a thread reply's text.

    ``question_index`` is the position in the schedule's ``questions`` (0-based), or -1 for
    a reply to a check-in that has no text question.
    """

    id: int
    person: PersonRecord
    question_index: int
    rating: int | None
    text: str | None
    slack_ts: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NudgeRecord:
    """The reminder DM someone got for a check-in they had not answered."""

    id: int
    person: PersonRecord
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class OccurrenceRecord:
    """One due time of a check-in schedule, what became of it, and who answered."""

    id: int
    due_at: datetime
    status: str
    late: bool
    claimed_at: datetime
    posted_at: datetime | None
    slack_channel: str | None
    slack_ts: str | None
    error: str | None
    answers: tuple[CheckinAnswerRecord, ...] = ()
    nudges: tuple[NudgeRecord, ...] = ()

    @property
    def respondents(self) -> int:
        """People who answered anything: a rating, or a reply that was not blanked."""
        return len(
            {a.person.id for a in self.answers if a.rating is not None or (a.text or "").strip()}
        )

    def average_ratings(self) -> dict[int, float]:
        """The mean rating per question index, counting each person's latest rating once.

        The same rule as the check-in's own tally (``bot.playbook.answers.latest_ratings``):
        two presses that raced past each other must not count one person twice.
        """
        latest: dict[tuple[int, int], tuple[int, int]] = {}
        for answer in self.answers:
            if answer.rating is None:
                continue
            key = (answer.person.id, answer.question_index)
            if key not in latest or answer.id > latest[key][0]:
                latest[key] = (answer.id, answer.rating)
        ratings: dict[int, list[int]] = {}
        for (_person, index), (_id, rating) in latest.items():
            ratings.setdefault(index, []).append(rating)
        return {index: sum(values) / len(values) for index, values in sorted(ratings.items())}


@dataclass(frozen=True, slots=True)
class CheckinScheduleRecord:
    """A recurring check-in with every stored setting and all its occurrences, oldest first.

    ``questions`` is the stored JSON list parsed (see :func:`parse_json_column`);
    ``holidays`` the stored ISO dates.
    """

    id: int
    created_by: PersonRecord | None
    channel_id: str
    days: str
    interval_weeks: int
    anchor: date
    time_of_day: str
    timezone: str
    audience: str
    questions: Any
    open_tally: bool
    paused: bool
    paused_reason: str | None
    pause_from: date | None
    pause_until: date | None
    holidays: tuple[str, ...]
    grace_minutes: int
    nudge_after_minutes: int
    checked_until: datetime
    created_at: datetime
    occurrences: tuple[OccurrenceRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgressUpdateRecord:
    """A progress update posted to the case channel and the grievances it addressed.

    As with strategies, ``addressed`` holds the numbers the reader may see and
    ``withheld_addressed`` counts the confidential ones left out.
    """

    id: int
    author: PersonRecord | None
    strategy_id: int | None
    strategy_version: int | None
    text: str
    slack_channel: str | None
    slack_ts: str | None
    created_at: datetime
    addressed: tuple[int, ...] = ()
    withheld_addressed: int = 0


@dataclass(frozen=True, slots=True)
class HealthRecord:
    """A health score as it was computed, with the components that explain it."""

    id: int
    score: int
    components: Any
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """A say-once marker: the bot said ``kind`` about ``key`` at ``created_at``."""

    id: int
    kind: str
    key: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DigestRecord:
    """One due time of the weekly digest and what became of it."""

    id: int
    due_at: datetime
    status: str
    posted_at: datetime | None


@dataclass(frozen=True, slots=True)
class FinalRatingRecord:
    """A stakeholder's closing rating; an ``anonymous`` one is as an anonymous interview:
    no id, person or answer time, only ``speaker``, and no score when ``withheld``."""

    id: int | None
    person: PersonRecord | None
    speaker: str
    rating: int | None
    comment: str | None
    anonymous: bool
    requested_at: datetime
    answered_at: datetime | None
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One case and its whole history, as much of it as the caller may see.

    ``people`` is everyone the exported records name (leads, stakeholders, interviewees,
    raisers, reporters, authors, voters, check-in answerers, raters), by id, so a format
    can list each person once and refer to them briefly elsewhere.
    """

    id: int
    workspace_id: int
    team_id: str
    workspace_url: str | None
    channel_id: str
    client_name: str
    stage: str
    named: bool
    buyin_rule: str
    interview_reminder_hours: int
    digest_weekday: int
    digest_time: str
    digest_timezone: str
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    people: list[PersonRecord]
    leads: list[LeadRecord]
    grievances: list[GrievanceRecord]
    timeline: list[EntryRecord]
    withheld_confidential: int = 0
    withheld_confidential_entries: int = 0
    stakeholders: list[MemberRecord] = field(default_factory=list)
    #: How a lead said the case ended (``recovered``, ``not_recovered``, ``client_left``).
    closing_outcome: str | None = None
    interview_questions: list[QuestionSetRecord] = field(default_factory=list)
    interviews: list[InterviewRecord] = field(default_factory=list)
    strategies: list[StrategyRecord] = field(default_factory=list)
    checkin_schedules: list[CheckinScheduleRecord] = field(default_factory=list)
    progress_updates: list[ProgressUpdateRecord] = field(default_factory=list)
    health: list[HealthRecord] = field(default_factory=list)
    notices: list[NoticeRecord] = field(default_factory=list)
    digests: list[DigestRecord] = field(default_factory=list)
    final_ratings: list[FinalRatingRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportDocument:
    """Everything one export writes, independent of the output format."""

    exported_at: datetime
    cases: list[CaseRecord]
    include_confidential: bool
    case_filter: str | None = None
    format_version: int = FORMAT_VERSION
    #: Made for one lead from Slack: what is withheld names them, no option brings it back.
    for_reader: bool = False

    @property
    def withheld_confidential(self) -> int:
        """Confidential grievances left out, so readers know the history is partial."""
        return sum(case.withheld_confidential for case in self.cases)

    @property
    def withheld_confidential_entries(self) -> int:
        """Timeline entries left out with those grievances."""
        return sum(case.withheld_confidential_entries for case in self.cases)

    @property
    def kept_from_leads(self) -> int:
        """Grievances exported that the bot keeps from the leads they name."""
        return sum(1 for case in self.cases for g in case.grievances if g.withheld_from)

    @property
    def entry_count(self) -> int:
        """Timeline entries exported, for the CLI's summary line."""
        return sum(len(case.timeline) for case in self.cases)

    @property
    def grievance_count(self) -> int:
        """Grievances exported, for the CLI's summary line."""
        return sum(len(case.grievances) for case in self.cases)


class _People:
    """Person rows by id, loaded in batches so no row ever costs its own query."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_id: dict[int, PersonRecord] = {}

    def load(self, ids: Iterable[int | None]) -> None:
        missing = sorted({i for i in ids if i is not None and i not in self._by_id})
        for start in range(0, len(missing), CHUNK_SIZE):
            chunk = missing[start : start + CHUNK_SIZE]
            for person in self._session.scalars(select(Person).where(Person.id.in_(chunk))):
                self._by_id[person.id] = PersonRecord(
                    id=person.id,
                    slack_user_id=person.slack_user_id,
                    display_name=person.display_name,
                    side=person.side.value,
                    role=person.role,
                    timezone=person.timezone,
                    slack_names=person.slack_names,
                    created_at=as_utc(person.created_at),
                )

    def get(self, person_id: int | None) -> PersonRecord | None:
        return None if person_id is None else self._by_id.get(person_id)


def _case_label(case: Case) -> str:
    return f"{case.client_name} ({case.channel_id})"


def find_cases(*, session: Session, case_filter: str | None) -> list[Case]:
    """The cases to export: all of them, or those whose client name or channel id matches.

    A client name is compared case-insensitively and a channel id may carry Slack's
    leading ``#``; a name shared by cases in several workspaces exports all of them,
    since the person asking cannot tell them apart by name either.
    """
    rows = list(session.scalars(select(Case).order_by(Case.id)))
    if case_filter is None:
        return rows
    wanted = case_filter.strip().lstrip("#").casefold()
    matches = [
        case
        for case in rows
        if case.client_name.strip().casefold() == wanted or case.channel_id.casefold() == wanted
    ]
    if not matches:
        raise UnknownCaseError(case_filter, [_case_label(case) for case in rows])
    return matches


def build_export(
    *,
    session: Session,
    case_filter: str | None = None,
    include_confidential: bool = False,
    now: datetime | None = None,
) -> ExportDocument:
    """Read the history of every matching case into an :class:`ExportDocument`.

    Raises :class:`UnknownCaseError` when ``case_filter`` matches no case. The session is
    only read, never committed; ``now`` exists so tests can pin ``exported_at``.
    """
    return _document(
        session=session,
        cases=find_cases(session=session, case_filter=case_filter),
        include_confidential=include_confidential,
        case_filter=case_filter,
        now=now,
    )


def export_for_lead(
    *, session: Session, case: Case, person: Person | None, now: datetime | None = None
) -> ExportDocument:
    """One case's history for a lead who asked from Slack (``/grievance export``).

    It is the document ``grievance-bot export --case <channel> --include-confidential``
    writes, less the confidential grievances that name this lead (kept from them everywhere
    in the bot): leads see confidential items everywhere else in the bot, so their export
    includes them, while the CLI withholds them by default because whoever runs it is not
    known to lead anything. The case object is exported as is, never looked up again by
    channel id, which another workspace in the same database may share.
    """
    reader = access.require(
        session=session, case=case, person=person, action=access.Action.EXPORT_CASE
    )
    return _document(
        session=session,
        cases=[case],
        include_confidential=True,
        case_filter=case.channel_id,
        now=now,
        reader=reader,
    )


def note_exported(*, session: Session, case: Case, person: Person | None, fmt: str) -> None:
    """Put a lead's export on the case timeline, once the file has reached them.

    The export carries confidential items out of the bot, so who took one and when is
    part of the case's history: an audit trail every reader of the history can see.
    """
    actor = access.require(
        session=session, case=case, person=person, action=access.Action.EXPORT_CASE
    )
    record(
        session=session,
        case=case,
        kind=Kind.CASE_EXPORTED,
        author=actor,
        text=f"Exported the case history ({fmt}, confidential items included) to their DM.",
    )


def _document(
    *,
    session: Session,
    cases: Sequence[Case],
    include_confidential: bool,
    case_filter: str | None,
    now: datetime | None,
    reader: Person | None = None,
) -> ExportDocument:
    """The export of ``cases``, read with a fixed handful of queries per case; ``reader``
    is the lead it is for, from whom the grievances naming them are withheld."""
    workspaces = _workspaces(session, {case.workspace_id for case in cases})
    people = _People(session)
    records = [
        _build_case(
            session=session,
            case=case,
            workspace=workspaces[case.workspace_id],
            people=people,
            include_confidential=include_confidential,
            reader=reader,
        )
        for case in cases
    ]
    return ExportDocument(
        exported_at=as_utc(now or utcnow()),
        cases=records,
        include_confidential=include_confidential,
        case_filter=case_filter,
        for_reader=reader is not None,
    )


def _workspaces(session: Session, workspace_ids: set[int]) -> dict[int, tuple[str, str | None]]:
    """Team id and URL of each workspace, in one query."""
    if not workspace_ids:
        return {}
    rows = session.execute(
        select(Workspace.id, Workspace.team_id, Workspace.url).where(
            Workspace.id.in_(workspace_ids)
        )
    )
    return {row.id: (row.team_id, row.url) for row in rows}


def _build_case(
    *,
    session: Session,
    case: Case,
    workspace: tuple[str, str | None],
    people: _People,
    include_confidential: bool,
    reader: Person | None,
) -> CaseRecord:
    """Load one case in a fixed number of queries, whatever its size."""
    leads = list(
        session.scalars(select(CaseLead).where(CaseLead.case_id == case.id).order_by(CaseLead.id))
    )
    grievances = list(
        session.scalars(
            select(Grievance).where(Grievance.case_id == case.id).order_by(Grievance.number)
        )
    )
    all_authors = session.scalars(
        select(TimelineEntry.author_id)
        .where(TimelineEntry.case_id == case.id, TimelineEntry.author_id.is_not(None))
        .distinct()
    )
    members = list(
        session.scalars(
            select(CaseMember).where(CaseMember.case_id == case.id).order_by(CaseMember.id)
        )
    )
    interviews = list(
        session.scalars(
            select(Interview).where(Interview.case_id == case.id).order_by(Interview.id)
        )
    )
    strategies = list(
        session.scalars(
            select(Strategy).where(Strategy.case_id == case.id).order_by(Strategy.version)
        )
    )
    votes = _votes(session, case.id)
    checkins = _checkin_rows(session, case.id)
    progress = list(
        session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.case_id == case.id)
            .order_by(ProgressUpdate.id)
        )
    )
    ratings = list(
        session.scalars(
            select(FinalRating).where(FinalRating.case_id == case.id).order_by(FinalRating.id)
        )
    )
    kept = _kept_from(session, case.id)
    people.load(
        [
            *(person_id for ids in kept.values() for person_id in ids),
            *all_authors,
            *(lead.person_id for lead in leads),
            *(lead.added_by_id for lead in leads),
            *(g.raised_by_id for g in grievances),
            *(g.reporter_id for g in grievances),
            *(member.person_id for member in members),
            *(interview.person_id for interview in interviews),
            *(interview.invited_by_id for interview in interviews),
            *(strategy.author_id for strategy in strategies),
            *(vote.person_id for rows in votes.values() for vote in rows),
            *checkins.person_ids(),
            *(update.author_id for update in progress),
            *(rating.person_id for rating in ratings),
        ]
    )

    withheld_ids = {
        g.id
        for g in grievances
        if (g.confidential and not include_confidential)
        or (g.confidential and reader is not None and reader.id in kept.get(g.id, ()))
    }
    grievance_records = {
        g.id: _grievance_record(g, people, kept.get(g.id, ()))
        for g in grievances
        if g.id not in withheld_ids
    }
    numbers = {g.id: g.number for g in grievances}
    revisions = _revisions(session, case.id)

    timeline: list[EntryRecord] = []
    withheld_entries = 0
    exported_authors: set[int] = set()
    # Unpacked as tuples, positionally: this loop runs once per entry (100,000 for a long
    # case) and named access on each row costs more than the rest of the loop.
    for (
        entry_id,
        kind,
        author_id,
        text,
        slack_channel,
        slack_ts,
        grievance_id,
        confidential,
        edited,
        deleted,
        created_at,
    ) in _stream_entries(session, case.id):
        if grievance_id in withheld_ids or (confidential and not include_confidential):
            withheld_entries += 1
            continue
        record = EntryRecord(
            id=entry_id,
            kind=kind,
            author=people.get(author_id),
            text="" if deleted else text,
            slack_channel=slack_channel,
            slack_ts=slack_ts,
            grievance_id=grievance_id,
            grievance_number=numbers.get(grievance_id) if grievance_id else None,
            confidential=confidential,
            edited=edited,
            deleted=deleted,
            created_at=as_utc(created_at),
            revisions=() if deleted else revisions.get(entry_id, ()),
        )
        timeline.append(record)
        if author_id is not None:
            exported_authors.add(author_id)
        owner = grievance_records.get(grievance_id) if grievance_id else None
        if owner is not None and kind == REPLY_KIND:
            owner.replies.append(record)

    lead_records = [_lead_record(lead, people) for lead in leads]
    member_records = [_member_record(member, people) for member in members]
    roles = _Roles(members, people)
    interview_records = _interview_records(session, case.id, interviews, people, roles)
    strategy_records = _strategy_records(
        session,
        case.id,
        strategies,
        people,
        votes=votes,
        withheld_ids=withheld_ids,
    )
    checkin_records = _checkin_records(checkins, people)
    progress_records = _progress_records(
        session,
        case.id,
        progress,
        people,
        versions={strategy.id: strategy.version for strategy in strategies},
        withheld_ids=withheld_ids,
    )
    rating_records = _final_rating_records(ratings, people, roles)
    named = exported_authors | {
        person.id
        for person in (
            *(lead.person for lead in lead_records),
            *(lead.added_by for lead in lead_records),
            *(person for g in grievance_records.values() for person in g.withheld_from),
            *(g.raised_by for g in grievance_records.values()),
            *(g.reporter for g in grievance_records.values()),
            *(member.person for member in member_records),
            *(interview.person for interview in interview_records),
            *(interview.invited_by for interview in interview_records),
            *(strategy.author for strategy in strategy_records),
            *(vote.person for strategy in strategy_records for vote in strategy.votes),
            *(schedule.created_by for schedule in checkin_records),
            *(
                answer.person
                for schedule in checkin_records
                for occurrence in schedule.occurrences
                for answer in occurrence.answers
            ),
            *(
                nudge.person
                for schedule in checkin_records
                for occurrence in schedule.occurrences
                for nudge in occurrence.nudges
            ),
            *(update.author for update in progress_records),
            *(rating.person for rating in rating_records),
        )
        if person is not None
    }
    team_id, workspace_url = workspace
    return CaseRecord(
        id=case.id,
        workspace_id=case.workspace_id,
        team_id=team_id,
        workspace_url=workspace_url,
        channel_id=case.channel_id,
        client_name=case.client_name,
        stage=case.stage.value,
        named=case.named,
        buyin_rule=case.buyin_rule.value,
        interview_reminder_hours=case.interview_reminder_hours,
        digest_weekday=case.digest_weekday,
        digest_time=case.digest_time,
        digest_timezone=case.digest_timezone,
        closed_at=as_utc_or_none(case.closed_at),
        closing_outcome=case.closing_outcome.value if case.closing_outcome else None,
        created_at=as_utc(case.created_at),
        updated_at=as_utc(case.updated_at),
        people=[p for p in map(people.get, sorted(named)) if p is not None],
        leads=lead_records,
        grievances=list(grievance_records.values()),
        timeline=timeline,
        withheld_confidential=len(withheld_ids),
        withheld_confidential_entries=withheld_entries,
        stakeholders=member_records,
        interview_questions=_question_sets(session, case.id),
        interviews=interview_records,
        strategies=strategy_records,
        checkin_schedules=checkin_records,
        progress_updates=progress_records,
        health=_health_records(session, case.id),
        notices=_notice_records(session, case.id),
        digests=_digest_records(session, case.id),
        final_ratings=rating_records,
    )


def _lead_record(lead: CaseLead, people: _People) -> LeadRecord:
    person = people.get(lead.person_id)
    if person is None:  # the foreign key cascades, so this means a broken database
        raise LookupError(f"case lead {lead.id} names missing person {lead.person_id}")
    return LeadRecord(
        id=lead.id,
        person=person,
        added_by=people.get(lead.added_by_id),
        created_at=as_utc(lead.created_at),
    )


def _kept_from(session: Session, case_id: int) -> dict[int, list[int]]:
    """Whom each of the case's grievances is kept from, by grievance id, in one query."""
    kept: dict[int, list[int]] = {}
    rows = session.execute(
        select(GrievanceWithheld.grievance_id, GrievanceWithheld.person_id)
        .join(Grievance, Grievance.id == GrievanceWithheld.grievance_id)
        .where(Grievance.case_id == case_id)
        .order_by(GrievanceWithheld.grievance_id, GrievanceWithheld.person_id)
    )
    for grievance_id, person_id in rows:
        kept.setdefault(grievance_id, []).append(person_id)
    return kept


def _grievance_record(
    grievance: Grievance, people: _People, kept_from: Sequence[int]
) -> GrievanceRecord:
    return GrievanceRecord(
        id=grievance.id,
        number=grievance.number,
        raised_by_name=grievance.raised_by_name,
        raised_by=people.get(grievance.raised_by_id),
        reporter=people.get(grievance.reporter_id),
        side=grievance.side.value,
        category=grievance.category.value,
        severity=grievance.severity,
        text=grievance.text,
        status=grievance.status.value,
        confidential=grievance.confidential,
        cares_about=grievance.cares_about,
        success_measure=grievance.success_measure,
        went_well=grievance.went_well,
        source_permalink=grievance.source_permalink,
        slack_channel=grievance.slack_channel,
        slack_ts=grievance.slack_ts,
        created_at=as_utc(grievance.created_at),
        updated_at=as_utc(grievance.updated_at),
        withheld_from=tuple(
            _required_person(people, person_id, f"grievance {grievance.id}'s withheld_from")
            for person_id in kept_from
        ),
    )


def _required_person(people: _People, person_id: int, what: str) -> PersonRecord:
    """The person a non-null foreign key names; missing means a broken database."""
    person = people.get(person_id)
    if person is None:  # the foreign keys cascade, so this cannot happen in a sound database
        raise LookupError(f"{what} names missing person {person_id}")
    return person


def _member_record(member: CaseMember, people: _People) -> MemberRecord:
    return MemberRecord(
        id=member.id,
        person=_required_person(people, member.person_id, f"case member {member.id}"),
        role=member.role.value,
        created_at=as_utc(member.created_at),
        updated_at=as_utc(member.updated_at),
    )


def _question_sets(session: Session, case_id: int) -> list[QuestionSetRecord]:
    """The case's own question sets, client side first; absent sides use the defaults."""
    rows = session.execute(
        select(InterviewQuestions.id, InterviewQuestions.side, InterviewQuestions.questions)
        .where(InterviewQuestions.case_id == case_id)
        .order_by(InterviewQuestions.side, InterviewQuestions.id)
    )
    return [
        QuestionSetRecord(id=row.id, side=row.side.value, questions=split_lines(row.questions))
        for row in rows
    ]


class _Roles:
    """Each person's role in the case: a stakeholder's own, else the member role of their
    side (as ``bot.playbook.interviews.role_of`` says), without a query per person."""

    def __init__(self, members: Sequence[CaseMember], people: _People) -> None:
        self._members = {member.person_id: member.role for member in members}
        self._people = people

    def of(self, person_id: int) -> Role:
        if person_id in self._members:
            return self._members[person_id]
        person = self._people.get(person_id)
        client = person is not None and person.side == Side.CLIENT.value
        return Role.CLIENT_MEMBER if client else Role.TEAM_MEMBER

    def speakers(self, anonymous: Iterable[int]) -> dict[int, str | None]:
        """What each anonymous person (by id) may be called, by the one anonymity rule."""
        ids = list(anonymous)
        crowd = Crowd.of(self.of(person_id) for person_id in ids)
        return {person_id: crowd.speaker(self.of(person_id)) for person_id in ids}


def _interview_records(
    session: Session,
    case_id: int,
    interviews: Sequence[Interview],
    people: _People,
    roles: _Roles,
) -> list[InterviewRecord]:
    """Interviews with their answers, all answers of the case read in one query.

    Named interviews come first in invitation order; anonymous ones follow, ordered by
    what they say rather than when, so their place gives nobody away.
    """
    rows = session.execute(
        select(
            InterviewAnswer.id,
            InterviewAnswer.interview_id,
            InterviewAnswer.position,
            InterviewAnswer.question,
            InterviewAnswer.answer,
            InterviewAnswer.updated_at,
        )
        .join(Interview, Interview.id == InterviewAnswer.interview_id)
        .where(Interview.case_id == case_id)
        .order_by(InterviewAnswer.interview_id, InterviewAnswer.position)
    )
    answers: dict[int, list[AnswerRecord]] = {}
    for row in rows:
        answers.setdefault(row.interview_id, []).append(
            AnswerRecord(
                id=row.id,
                position=row.position,
                question=row.question,
                answer=row.answer,
                updated_at=as_utc(row.updated_at),
            )
        )
    speakers = roles.speakers(
        i.person_id for i in interviews if i.anonymous and i.status is InterviewStatus.ANSWERED
    )
    named = [
        InterviewRecord(
            id=interview.id,
            person=(person := _required_person(people, interview.person_id, "an interview")),
            speaker=person.display_name,
            invited_by=people.get(interview.invited_by_id),
            status=interview.status.value,
            anonymous=False,
            invited_at=as_utc(interview.invited_at),
            answered_at=as_utc_or_none(interview.answered_at),
            reminded_at=as_utc_or_none(interview.reminded_at),
            dm_channel=interview.dm_channel,
            dm_ts=interview.dm_ts,
            answers=tuple(answers.get(interview.id, ())),
        )
        for interview in interviews
        if not interview.anonymous
    ]
    hidden = []
    for interview in interviews:
        if not interview.anonymous:
            continue
        speaker = speakers.get(interview.person_id)
        hidden.append(
            InterviewRecord(
                id=None,
                person=None,
                speaker=speaker or "anonymous",
                invited_by=None,
                status=interview.status.value,
                anonymous=True,
                invited_at=None,
                answered_at=None,
                reminded_at=None,
                dm_channel=None,
                dm_ts=None,
                answers=tuple(_unstamped(answers.get(interview.id, ()))) if speaker else (),
                withheld=speaker is None,
            )
        )
    hidden.sort(key=lambda r: (r.withheld, r.speaker, [a.answer for a in r.answers]))
    return named + hidden


def _unstamped(answers: Iterable[AnswerRecord]) -> Iterator[AnswerRecord]:
    """An anonymous interview's answers without their row ids and times (they point back)."""
    for answer in answers:
        yield AnswerRecord(
            id=None,
            position=answer.position,
            question=answer.question,
            answer=answer.answer,
            updated_at=None,
        )


def _votes(session: Session, case_id: int) -> dict[int, list[Row[Any]]]:
    """Every vote on the case's strategies, by strategy, in one query.

    Read before the people are loaded, so voters join the one batched person lookup.
    """
    rows = session.execute(
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
    grouped: dict[int, list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault(row.strategy_id, []).append(row)
    return grouped


def _strategy_records(
    session: Session,
    case_id: int,
    strategies: Sequence[Strategy],
    people: _People,
    *,
    votes: dict[int, list[Row[Any]]],
    withheld_ids: set[int],
) -> list[StrategyRecord]:
    """Strategy versions with actions and addressed grievances, two queries for the case.

    A withheld confidential grievance is counted, not listed: its number alone would tell
    a reader which thread to look for.
    """
    action_rows = session.execute(
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
    for row in action_rows:
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
    addressed_rows = session.execute(
        select(StrategyGrievance.strategy_id, Grievance.id, Grievance.number)
        .join(Grievance, Grievance.id == StrategyGrievance.grievance_id)
        .join(Strategy, Strategy.id == StrategyGrievance.strategy_id)
        .where(Strategy.case_id == case_id)
        .order_by(StrategyGrievance.strategy_id, Grievance.number)
    )
    addressed: dict[int, list[int]] = {}
    withheld: dict[int, int] = {}
    for row in addressed_rows:
        if row.id in withheld_ids:
            withheld[row.strategy_id] = withheld.get(row.strategy_id, 0) + 1
        else:
            addressed.setdefault(row.strategy_id, []).append(row.number)

    versions = {strategy.id: strategy.version for strategy in strategies}
    return [
        StrategyRecord(
            id=strategy.id,
            version=strategy.version,
            author=people.get(strategy.author_id),
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
            addressed=tuple(addressed.get(strategy.id, ())),
            withheld_addressed=withheld.get(strategy.id, 0),
            votes=tuple(
                VoteRecord(
                    id=row.id,
                    person=_required_person(people, row.person_id, f"vote {row.id}"),
                    kind=row.kind.value,
                    reaction=row.reaction,
                    updated_at=as_utc(row.updated_at),
                )
                for row in votes.get(strategy.id, ())
            ),
        )
        for strategy in strategies
    ]


def _grouped(rows: Iterable[Row[Any]], key: str) -> dict[int, list[Row[Any]]]:
    """Rows by the value of their column ``key``, each group in the order read."""
    grouped: dict[int, list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


@dataclass(frozen=True, slots=True)
class _CheckinRows:
    """A case's check-in rows, read before the people so answerers join the one lookup."""

    schedules: list[CheckinSchedule]
    #: Occurrence rows by schedule id, answer and nudge rows by occurrence id.
    occurrences: dict[int, list[Row[Any]]]
    answers: dict[int, list[Row[Any]]]
    nudges: dict[int, list[Row[Any]]]

    def person_ids(self) -> Iterator[int | None]:
        """Everyone these rows name: schedule owners, answerers, nudged people."""
        yield from (schedule.created_by_id for schedule in self.schedules)
        for rows in (*self.answers.values(), *self.nudges.values()):
            yield from (row.person_id for row in rows)


def _checkin_rows(session: Session, case_id: int) -> _CheckinRows:
    """Schedules, occurrences, answers and nudges of the case: four queries, any volume.

    Occurrences, answers and nudges are plain column rows: a daily check-in answered by a
    dozen people for a year is tens of thousands of rows, too many for the identity map.
    """
    schedules = list(
        session.scalars(
            select(CheckinSchedule)
            .where(CheckinSchedule.case_id == case_id)
            .order_by(CheckinSchedule.id)
        )
    )
    occurrences = session.execute(
        select(
            CheckinOccurrence.id,
            CheckinOccurrence.schedule_id,
            CheckinOccurrence.due_at,
            CheckinOccurrence.status,
            CheckinOccurrence.late,
            CheckinOccurrence.claimed_at,
            CheckinOccurrence.posted_at,
            CheckinOccurrence.slack_channel,
            CheckinOccurrence.slack_ts,
            CheckinOccurrence.error,
        )
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(CheckinSchedule.case_id == case_id)
        .order_by(CheckinOccurrence.schedule_id, CheckinOccurrence.due_at, CheckinOccurrence.id)
    )
    answers = session.execute(
        select(
            CheckinAnswer.id,
            CheckinAnswer.occurrence_id,
            CheckinAnswer.person_id,
            CheckinAnswer.question_index,
            CheckinAnswer.rating,
            CheckinAnswer.text,
            CheckinAnswer.slack_ts,
            CheckinAnswer.created_at,
            CheckinAnswer.updated_at,
        )
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinAnswer.occurrence_id)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(CheckinSchedule.case_id == case_id)
        .order_by(CheckinAnswer.occurrence_id, CheckinAnswer.question_index, CheckinAnswer.id)
    )
    nudges = session.execute(
        select(
            CheckinNudge.id,
            CheckinNudge.occurrence_id,
            CheckinNudge.person_id,
            CheckinNudge.sent_at,
        )
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinNudge.occurrence_id)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(CheckinSchedule.case_id == case_id)
        .order_by(CheckinNudge.occurrence_id, CheckinNudge.id)
    )
    return _CheckinRows(
        schedules=schedules,
        occurrences=_grouped(occurrences, "schedule_id"),
        answers=_grouped(answers, "occurrence_id"),
        nudges=_grouped(nudges, "occurrence_id"),
    )


def _occurrence_record(row: Row[Any], rows: _CheckinRows, people: _People) -> OccurrenceRecord:
    return OccurrenceRecord(
        id=row.id,
        due_at=as_utc(row.due_at),
        status=row.status.value,
        late=row.late,
        claimed_at=as_utc(row.claimed_at),
        posted_at=as_utc_or_none(row.posted_at),
        slack_channel=row.slack_channel,
        slack_ts=row.slack_ts,
        error=row.error,
        answers=tuple(
            CheckinAnswerRecord(
                id=answer.id,
                person=_required_person(people, answer.person_id, f"check-in answer {answer.id}"),
                question_index=answer.question_index,
                rating=answer.rating,
                text=answer.text,
                slack_ts=answer.slack_ts,
                created_at=as_utc(answer.created_at),
                updated_at=as_utc(answer.updated_at),
            )
            for answer in rows.answers.get(row.id, ())
        ),
        nudges=tuple(
            NudgeRecord(
                id=nudge.id,
                person=_required_person(people, nudge.person_id, f"check-in nudge {nudge.id}"),
                sent_at=as_utc(nudge.sent_at),
            )
            for nudge in rows.nudges.get(row.id, ())
        ),
    )


def _checkin_records(rows: _CheckinRows, people: _People) -> list[CheckinScheduleRecord]:
    """Each schedule with every stored setting and its occurrences, oldest due first."""
    return [
        CheckinScheduleRecord(
            id=schedule.id,
            created_by=people.get(schedule.created_by_id),
            channel_id=schedule.channel_id,
            days=schedule.days,
            interval_weeks=schedule.interval_weeks,
            anchor=schedule.anchor,
            time_of_day=schedule.time_of_day,
            timezone=schedule.timezone,
            audience=schedule.audience.value,
            questions=parse_json_column(schedule.questions),
            open_tally=schedule.open_tally,
            paused=schedule.paused,
            paused_reason=schedule.paused_reason,
            pause_from=schedule.pause_from,
            pause_until=schedule.pause_until,
            holidays=split_commas(schedule.holidays),
            grace_minutes=schedule.grace_minutes,
            nudge_after_minutes=schedule.nudge_after_minutes,
            checked_until=as_utc(schedule.checked_until),
            created_at=as_utc(schedule.created_at),
            occurrences=tuple(
                _occurrence_record(row, rows, people)
                for row in rows.occurrences.get(schedule.id, ())
            ),
        )
        for schedule in rows.schedules
    ]


def _progress_records(
    session: Session,
    case_id: int,
    updates: Sequence[ProgressUpdate],
    people: _People,
    *,
    versions: dict[int, int],
    withheld_ids: set[int],
) -> list[ProgressUpdateRecord]:
    """Progress updates with the grievances they addressed, one query for the case.

    A withheld confidential grievance is counted, not listed, for the same reason as on a
    strategy: the update itself is public in the channel, its number would point at the
    grievance's thread.
    """
    rows = session.execute(
        select(ProgressUpdateGrievance.update_id, Grievance.id, Grievance.number)
        .join(Grievance, Grievance.id == ProgressUpdateGrievance.grievance_id)
        .join(ProgressUpdate, ProgressUpdate.id == ProgressUpdateGrievance.update_id)
        .where(ProgressUpdate.case_id == case_id)
        .order_by(ProgressUpdateGrievance.update_id, Grievance.number)
    )
    addressed: dict[int, list[int]] = {}
    withheld: dict[int, int] = {}
    for row in rows:
        if row.id in withheld_ids:
            withheld[row.update_id] = withheld.get(row.update_id, 0) + 1
        else:
            addressed.setdefault(row.update_id, []).append(row.number)
    return [
        ProgressUpdateRecord(
            id=update.id,
            author=people.get(update.author_id),
            strategy_id=update.strategy_id,
            strategy_version=versions.get(update.strategy_id)
            if update.strategy_id is not None
            else None,
            text=update.text,
            slack_channel=update.slack_channel,
            slack_ts=update.slack_ts,
            created_at=as_utc(update.created_at),
            addressed=tuple(addressed.get(update.id, ())),
            withheld_addressed=withheld.get(update.id, 0),
        )
        for update in updates
    ]


def _health_records(session: Session, case_id: int) -> list[HealthRecord]:
    """Every health snapshot of the case, oldest first, as column rows in one query."""
    rows = session.execute(
        select(
            HealthSnapshot.id,
            HealthSnapshot.score,
            HealthSnapshot.components,
            HealthSnapshot.computed_at,
        )
        .where(HealthSnapshot.case_id == case_id)
        .order_by(HealthSnapshot.id)
    )
    return [
        HealthRecord(
            id=row.id,
            score=row.score,
            components=parse_json_column(row.components),
            computed_at=as_utc(row.computed_at),
        )
        for row in rows
    ]


def _notice_records(session: Session, case_id: int) -> list[NoticeRecord]:
    """The case's say-once markers, in the order they were claimed."""
    rows = session.execute(
        select(Notice.id, Notice.kind, Notice.key, Notice.created_at)
        .where(Notice.case_id == case_id)
        .order_by(Notice.id)
    )
    return [
        NoticeRecord(id=row.id, kind=row.kind, key=row.key, created_at=as_utc(row.created_at))
        for row in rows
    ]


def _digest_records(session: Session, case_id: int) -> list[DigestRecord]:
    """The case's weekly digest runs, by due time."""
    rows = session.execute(
        select(DigestRun.id, DigestRun.due_at, DigestRun.status, DigestRun.posted_at)
        .where(DigestRun.case_id == case_id)
        .order_by(DigestRun.due_at, DigestRun.id)
    )
    return [
        DigestRecord(
            id=row.id,
            due_at=as_utc(row.due_at),
            status=row.status.value,
            posted_at=as_utc_or_none(row.posted_at),
        )
        for row in rows
    ]


def _final_rating_records(
    ratings: Sequence[FinalRating], people: _People, roles: _Roles
) -> list[FinalRatingRecord]:
    """Named ratings in order, then anonymous ones by the anonymity rule, by score."""
    speakers = roles.speakers(
        r.person_id for r in ratings if r.anonymous and r.answered_at is not None
    )
    named = [
        FinalRatingRecord(
            id=rating.id,
            person=(person := _required_person(people, rating.person_id, "a final rating")),
            speaker=person.display_name,
            rating=rating.rating,
            comment=rating.comment,
            anonymous=False,
            requested_at=as_utc(rating.requested_at),
            answered_at=as_utc_or_none(rating.answered_at),
        )
        for rating in ratings
        if not rating.anonymous
    ]
    hidden = []
    for rating in ratings:
        if not rating.anonymous:
            continue
        speaker = speakers.get(rating.person_id)
        hidden.append(
            FinalRatingRecord(
                id=None,
                person=None,
                speaker=speaker or "anonymous",
                rating=rating.rating if speaker else None,
                comment=rating.comment if speaker else None,
                anonymous=True,
                requested_at=as_utc(rating.requested_at),
                answered_at=None,
                withheld=speaker is None,
            )
        )
    hidden.sort(key=lambda r: (r.withheld, r.speaker, r.rating or 0, r.comment or ""))
    return named + hidden


def _revisions(session: Session, case_id: int) -> dict[int, tuple[RevisionRecord, ...]]:
    """Every earlier text in the case, by entry, oldest first, in one query."""
    rows = session.execute(
        select(
            EntryRevision.id, EntryRevision.entry_id, EntryRevision.text, EntryRevision.replaced_at
        )
        .join(TimelineEntry, TimelineEntry.id == EntryRevision.entry_id)
        .where(TimelineEntry.case_id == case_id)
        .order_by(EntryRevision.entry_id, EntryRevision.id)
    )
    grouped: dict[int, list[RevisionRecord]] = {}
    for row in rows:
        grouped.setdefault(row.entry_id, []).append(
            RevisionRecord(id=row.id, text=row.text, replaced_at=as_utc(row.replaced_at))
        )
    return {entry_id: tuple(items) for entry_id, items in grouped.items()}


def _stream_entries(session: Session, case_id: int) -> Iterator[Row[Any]]:
    """The case's timeline in id order, fetched in chunks rather than all at once.

    Plain column rows, not ORM entities: nothing here is modified, and skipping the
    identity map keeps a long timeline cheap.
    """
    columns = (
        TimelineEntry.id,
        TimelineEntry.kind,
        TimelineEntry.author_id,
        TimelineEntry.text,
        TimelineEntry.slack_channel,
        TimelineEntry.slack_ts,
        TimelineEntry.grievance_id,
        TimelineEntry.confidential,
        TimelineEntry.edited,
        TimelineEntry.deleted,
        TimelineEntry.created_at,
    )
    statement = (
        select(*columns)
        .where(TimelineEntry.case_id == case_id)
        .order_by(TimelineEntry.id)
        .execution_options(yield_per=CHUNK_SIZE)
    )
    yield from session.execute(statement)
