"""Gather a case history into one plain, typed document for export.

The export is the team's way out of the bot: a lead hands the history to someone who has
no Slack access, or keeps it when the bot is retired. So this module reads everything the
database knows about a case into frozen dataclasses (no ORM objects escape, so serialisers
never trigger lazy loads) and leaves formatting to :mod:`bot.export_formats`.

Two rules are decided here rather than in each format, so every format agrees:

* confidential grievances, and every entry that belongs to one, are withheld unless the
  caller asks for them, and the document counts what was withheld so a reader knows the
  history is partial;
* a deleted Slack message is exported as deleted with empty text and no earlier revisions,
  because its author removed it and an export must not bring it back.

Queries are a handful per case (never one per row): cases, leads, grievances, the people
they mention, revisions, and the timeline streamed in id order with ``yield_per`` so a
case with 100,000 entries does not load 100,000 ORM objects at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bot.playbook.errors import PlaybookError
from storage.models import (
    Case,
    CaseLead,
    EntryRevision,
    Grievance,
    Person,
    TimelineEntry,
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

    @property
    def raised_by_label(self) -> str:
        """Who raised it, as a reader would say it: the recorded name, else the person."""
        if self.raised_by_name:
            return self.raised_by_name
        return self.raised_by.display_name if self.raised_by else ""


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One case and its whole history, as much of it as the caller may see.

    ``people`` is everyone the exported records name (leads, raisers, reporters, authors),
    by id, so a format can list each person once and refer to them briefly elsewhere.
    """

    id: int
    workspace_id: int
    team_id: str
    workspace_url: str | None
    channel_id: str
    client_name: str
    stage: str
    named: bool
    created_at: datetime
    updated_at: datetime
    people: list[PersonRecord]
    leads: list[LeadRecord]
    grievances: list[GrievanceRecord]
    timeline: list[EntryRecord]
    withheld_confidential: int = 0
    withheld_confidential_entries: int = 0


@dataclass(frozen=True, slots=True)
class ExportDocument:
    """Everything one export writes, independent of the output format."""

    exported_at: datetime
    cases: list[CaseRecord]
    include_confidential: bool
    case_filter: str | None = None
    format_version: int = FORMAT_VERSION

    @property
    def withheld_confidential(self) -> int:
        """Confidential grievances left out, so readers know the history is partial."""
        return sum(case.withheld_confidential for case in self.cases)

    @property
    def withheld_confidential_entries(self) -> int:
        """Timeline entries left out with those grievances."""
        return sum(case.withheld_confidential_entries for case in self.cases)

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
    cases = find_cases(session=session, case_filter=case_filter)
    workspaces = _workspaces(session, {case.workspace_id for case in cases})
    people = _People(session)
    records = [
        _build_case(
            session=session,
            case=case,
            workspace=workspaces[case.workspace_id],
            people=people,
            include_confidential=include_confidential,
        )
        for case in cases
    ]
    return ExportDocument(
        exported_at=as_utc(now or datetime.now(UTC)),
        cases=records,
        include_confidential=include_confidential,
        case_filter=case_filter,
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
    people.load(
        [
            *all_authors,
            *(lead.person_id for lead in leads),
            *(lead.added_by_id for lead in leads),
            *(g.raised_by_id for g in grievances),
            *(g.reporter_id for g in grievances),
        ]
    )

    withheld_ids = set() if include_confidential else {g.id for g in grievances if g.confidential}
    grievance_records = {
        g.id: _grievance_record(g, people) for g in grievances if g.id not in withheld_ids
    }
    numbers = {g.id: g.number for g in grievances}
    revisions = _revisions(session, case.id)

    timeline: list[EntryRecord] = []
    withheld_entries = 0
    exported_authors: set[int] = set()
    for entry in _stream_entries(session, case.id):
        hidden = entry.confidential or entry.grievance_id in withheld_ids
        if hidden and not include_confidential:
            withheld_entries += 1
            continue
        record = EntryRecord(
            id=entry.id,
            kind=entry.kind,
            author=people.get(entry.author_id),
            text="" if entry.deleted else entry.text,
            slack_channel=entry.slack_channel,
            slack_ts=entry.slack_ts,
            grievance_id=entry.grievance_id,
            grievance_number=numbers.get(entry.grievance_id) if entry.grievance_id else None,
            confidential=entry.confidential,
            edited=entry.edited,
            deleted=entry.deleted,
            created_at=as_utc(entry.created_at),
            revisions=() if entry.deleted else revisions.get(entry.id, ()),
        )
        timeline.append(record)
        if entry.author_id is not None:
            exported_authors.add(entry.author_id)
        owner = grievance_records.get(entry.grievance_id) if entry.grievance_id else None
        if owner is not None and entry.kind == REPLY_KIND:
            owner.replies.append(record)

    lead_records = [_lead_record(lead, people) for lead in leads]
    named = exported_authors | {
        person.id
        for person in (
            *(lead.person for lead in lead_records),
            *(lead.added_by for lead in lead_records),
            *(g.raised_by for g in grievance_records.values()),
            *(g.reporter for g in grievance_records.values()),
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
        created_at=as_utc(case.created_at),
        updated_at=as_utc(case.updated_at),
        people=[p for p in map(people.get, sorted(named)) if p is not None],
        leads=lead_records,
        grievances=list(grievance_records.values()),
        timeline=timeline,
        withheld_confidential=len(withheld_ids),
        withheld_confidential_entries=withheld_entries,
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


def _grievance_record(grievance: Grievance, people: _People) -> GrievanceRecord:
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
    )


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
