"""What the case page shows that the case record holds only in parts: counts, series
and one page of the timeline. Pure functions of ``bot.export.CaseRecord``, so they are
tested without a database and every figure follows the record's withholding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.export.model import CaseRecord, EntryRecord, GrievanceRecord, OccurrenceRecord
from bot.playbook import targets
from bot.vocabulary import Category, Side

SEVERITIES = (1, 2, 3, 4)
#: Timeline entries on one page of the case page.
PAGE_SIZE = 25

Series = list[tuple[datetime, float]]


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """How many grievances of one category, per severity (1–4)."""

    category: str
    by_severity: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_severity)


def by_category(grievances: Sequence[GrievanceRecord]) -> list[CategoryRow]:
    """Each category that has grievances, in the vocabulary's order, counted by severity."""
    counts = Counter((g.category, g.severity) for g in grievances)
    rows = [
        CategoryRow(category.value, tuple(counts[(category.value, s)] for s in SEVERITIES))
        for category in Category
    ]
    return [row for row in rows if row.total]


def cares_about(grievances: Sequence[GrievanceRecord]) -> list[tuple[str, int]]:
    """What the client said they care about and how they will measure success, each said
    once with how often, most often first (the words as they were given)."""
    said = Counter(
        text.strip()
        for g in grievances
        if g.side == Side.CLIENT.value
        for text in (g.cares_about, g.success_measure)
        if text and text.strip()
    )
    return sorted(said.items(), key=lambda item: (-item[1], item[0].casefold()))


def health(record: CaseRecord) -> Series:
    """The case's health scores over time, oldest first."""
    return [(h.computed_at, float(h.score)) for h in sorted(record.health, key=lambda h: h.id)]


def confidence(record: CaseRecord) -> dict[str, Series]:
    """Each side's average check-in rating per occurrence, oldest first: its confidence.

    Each person's latest rating per question counts once, as the check-in tallies it.
    """
    series: dict[str, Series] = {}
    occurrences = sorted(
        (o for s in record.checkin_schedules for o in s.occurrences), key=lambda o: o.due_at
    )
    for occurrence in occurrences:
        for side, value in _side_averages(occurrence).items():
            series.setdefault(side, []).append((occurrence.due_at, value))
    return dict(sorted(series.items()))


def _side_averages(occurrence: OccurrenceRecord) -> dict[str, float]:
    latest: dict[tuple[int, int], tuple[int, int, str]] = {}
    for answer in occurrence.answers:
        if answer.rating is None:
            continue
        key = (answer.person.id, answer.question_index)
        if key not in latest or answer.id > latest[key][0]:
            latest[key] = (answer.id, answer.rating, answer.person.side)
    ratings: dict[str, list[int]] = {}
    for _id, rating, side in latest.values():
        ratings.setdefault(side, []).append(rating)
    return {side: sum(values) / len(values) for side, values in ratings.items()}


@dataclass(frozen=True, slots=True)
class TimelinePage:
    """One page of the timeline, newest first, and the neighbouring page numbers."""

    entries: tuple[EntryRecord, ...]
    number: int
    newer: int | None
    older: int | None


def timeline_page(entries: Sequence[EntryRecord], number: int) -> TimelinePage:
    """Page ``number`` (1 is the newest) of ``entries``; a page past the end is empty."""
    newest_first = sorted(entries, key=lambda e: e.id, reverse=True)
    start = (number - 1) * PAGE_SIZE
    chunk = tuple(newest_first[start : start + PAGE_SIZE])
    return TimelinePage(
        entries=chunk,
        number=number,
        newer=number - 1 if number > 1 else None,
        older=number + 1 if start + PAGE_SIZE < len(newest_first) else None,
    )


@dataclass(frozen=True, slots=True)
class TargetLine:
    """The response targets of one severity, in words."""

    severity: int
    acknowledge: str
    plan: str


def response_targets(record: CaseRecord) -> list[TargetLine]:
    """The targets the case keeps (a lead's, or the defaults), most severe first."""
    day = targets.hours_of(record.business_hours, record.digest_timezone).day_minutes
    chosen = targets.targets_of(record.response_targets)
    return [
        TargetLine(
            severity,
            targets.describe(chosen[severity].acknowledge, day),
            targets.describe(chosen[severity].plan, day),
        )
        for severity in targets.SEVERITIES
    ]


@dataclass(frozen=True, slots=True)
class CheckinResult:
    """One check-in that was asked: when, how many answered, the mean rating per question."""

    due_at: datetime
    status: str
    respondents: int
    ratings: tuple[tuple[str, float], ...]


def checkin_results(record: CaseRecord) -> list[CheckinResult]:
    """Every check-in occurrence, newest first, with its questions' mean ratings."""
    results = []
    for schedule in record.checkin_schedules:
        asked = schedule.questions if isinstance(schedule.questions, list) else []
        for occurrence in schedule.occurrences:
            results.append(
                CheckinResult(
                    due_at=occurrence.due_at,
                    status=occurrence.status,
                    respondents=occurrence.respondents,
                    ratings=tuple(
                        (_question(asked, index), mean)
                        for index, mean in occurrence.average_ratings().items()
                    ),
                )
            )
    return sorted(results, key=lambda r: r.due_at, reverse=True)


def _question(asked: list[object], index: int) -> str:
    """The words of question ``index`` as stored (``{"kind", "text"}``), or its number."""
    item = asked[index] if 0 <= index < len(asked) else None
    if isinstance(item, dict) and isinstance(item.get("text"), str):
        return item["text"]
    return f"Question {index + 1}"
