"""Grievances and the timeline: the case's own words, as much of them as the reader may see.

The timeline is streamed in id order with ``yield_per``, as plain column rows, so a case
with 100,000 entries never loads 100,000 ORM objects at once; a grievance's replies are
the entries of kind ``reply`` under it, gathered on the way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bot.export import rules
from bot.export.gather.people import People
from bot.export.gather.rows import CHUNK_SIZE
from bot.export.model import EntryRecord, GrievanceRecord, RevisionRecord
from bot.export.stored import as_utc, as_utc_or_none
from storage.models import EntryRevision, Grievance, GrievanceWithheld, TimelineEntry

#: The timeline kind of a Slack thread reply under a grievance (its discussion).
REPLY_KIND = "reply"


@dataclass(frozen=True, slots=True)
class GrievanceRows:
    """A case's grievances and who wrote on its timeline, read before the people."""

    grievances: list[Grievance]
    #: Whom each grievance is kept from, by grievance id (``bot.playbook.withheld``).
    kept: dict[int, list[int]]
    #: Every author of the timeline, withheld entries included.
    authors: list[int]

    def person_ids(self) -> Iterator[int | None]:
        """Everyone these rows name: those kept from, authors, raisers, reporters."""
        yield from (person_id for ids in self.kept.values() for person_id in ids)
        yield from self.authors
        yield from (g.raised_by_id for g in self.grievances)
        yield from (g.reporter_id for g in self.grievances)


@dataclass(frozen=True, slots=True)
class History:
    """The grievances and timeline entries a reader may see, and what was left out."""

    grievances: list[GrievanceRecord]
    timeline: list[EntryRecord]
    withheld_entries: int
    #: Authors of the exported entries, so the case lists them among its people.
    authors: set[int]


def load_grievances(session: Session, case_id: int) -> GrievanceRows:
    """Grievances by number, whom each is kept from, and the timeline's authors."""
    grievances = list(
        session.scalars(
            select(Grievance).where(Grievance.case_id == case_id).order_by(Grievance.number)
        )
    )
    authors = session.scalars(
        select(TimelineEntry.author_id)
        .where(TimelineEntry.case_id == case_id, TimelineEntry.author_id.is_not(None))
        .distinct()
    )
    return GrievanceRows(
        grievances=grievances, kept=_kept_from(session, case_id), authors=list(authors)
    )


def gather_history(
    session: Session,
    case_id: int,
    rows: GrievanceRows,
    people: People,
    confidentiality: rules.Confidentiality,
) -> History:
    """The timeline streamed in id order, each reply also filed under its grievance."""
    revisions = _revisions(session, case_id)
    numbers = {g.id: g.number for g in rows.grievances}
    shown = [g for g in rows.grievances if g.id not in confidentiality.withheld]
    replies: dict[int, list[EntryRecord]] = {g.id: [] for g in shown}
    timeline: list[EntryRecord] = []
    withheld_entries = 0
    authors: set[int] = set()
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
    ) in _stream_entries(session, case_id):
        if confidentiality.hides_entry(grievance_id, confidential):
            withheld_entries += 1
            continue
        text, earlier = rules.kept_words(text, revisions.get(entry_id, ()), deleted=deleted)
        record = EntryRecord(
            id=entry_id,
            kind=kind,
            author=people.ref(author_id),
            text=text,
            slack_channel=slack_channel,
            slack_ts=slack_ts,
            grievance_id=grievance_id,
            grievance_number=numbers.get(grievance_id),
            confidential=confidential,
            edited=edited,
            deleted=deleted,
            created_at=as_utc(created_at),
            revisions=earlier,
        )
        timeline.append(record)
        if author_id is not None:
            authors.add(author_id)
        if kind == REPLY_KIND and grievance_id in replies:
            replies[grievance_id].append(record)
    return History(
        grievances=[
            _grievance_record(g, people, rows.kept.get(g.id, ()), replies[g.id]) for g in shown
        ],
        timeline=timeline,
        withheld_entries=withheld_entries,
        authors=authors,
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
    grievance: Grievance,
    people: People,
    kept_from: Sequence[int],
    replies: Sequence[EntryRecord],
) -> GrievanceRecord:
    return GrievanceRecord(
        id=grievance.id,
        number=grievance.number,
        raised_by_name=grievance.raised_by_name,
        raised_by=people.ref(grievance.raised_by_id),
        reporter=people.ref(grievance.reporter_id),
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
        acknowledged_at=as_utc_or_none(grievance.acknowledged_at),
        planned_at=as_utc_or_none(grievance.planned_at),
        resolved_at=as_utc_or_none(grievance.resolved_at),
        ack_warned=grievance.ack_warned,
        ack_missed=grievance.ack_missed,
        plan_warned=grievance.plan_warned,
        plan_missed=grievance.plan_missed,
        replies=tuple(replies),
        withheld_from=tuple(
            people.required(person_id, f"grievance {grievance.id}'s withheld_from")
            for person_id in kept_from
        ),
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

    Plain column rows read on the session's connection, not through the ORM: nothing
    here is modified, and skipping the ORM's row handling and identity map keeps a long
    timeline cheap.
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
    yield from session.connection().execute(statement)
