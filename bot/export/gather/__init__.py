"""Gather case histories into the export document, part by part.

Queries are a fixed handful per case (never one per row): cases, leads, grievances,
stakeholders, interviews and their answers, question sets, strategies with their actions,
addressed grievances and votes, check-in schedules with their occurrences, answers and
nudges, progress updates and what they addressed, health snapshots, notices, digest runs,
final ratings, the people all of these mention (batched), revisions, and the timeline
streamed in id order with ``yield_per`` so a case with 100,000 entries does not load
100,000 ORM objects at once.

Each part has its module (people, timeline, interviews, strategies, checkins, bookkeeping,
ratings), :mod:`~bot.export.gather.case` puts one case together, and
:mod:`~bot.export.gather.document` decides which cases, for whom. What a reader may see is
never decided here but asked of :mod:`bot.export.rules`.
"""

from bot.export.gather.document import (
    UnknownCaseError,
    build_export,
    case_for_reader,
    export_for_lead,
    find_cases,
    note_exported,
)

__all__ = [
    "UnknownCaseError",
    "build_export",
    "case_for_reader",
    "export_for_lead",
    "find_cases",
    "note_exported",
]
