"""What a side truly cares about, how it measures success, what used to go well.

People write these answers freely; the same thing said three times should count three
times. Answers are split into items (lines, semicolons, "and also"-free bullets), keyed
by a normalised form, and listed with counts and the grievances behind each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.withheld import grievances_shown
from storage.models import Case, Grievance, Person, Side

_SPLIT = re.compile(r"[\n;•]+|\s+-\s+")
_APOSTROPHES = re.compile(r"['’`]")
_NOISE = re.compile(r"[^\w\s]")
_STOPWORDS = frozenset({"a", "an", "the", "our", "their", "we", "they", "to", "of", "and"})
MAX_ITEMS = 10


@dataclass
class InsightItem:
    """One thing said, how often, on which grievances (by number) and in how many
    interviews, and since when: its source, as it is quoted back."""

    text: str
    count: int = 0
    grievances: list[int] = field(default_factory=list)
    interviews: int = 0
    since: date | None = None

    def heard_on(self, day: date | None) -> None:
        """Keep the earliest day it was said."""
        if day is not None and (self.since is None or day < self.since):
            self.since = day

    @property
    def source(self) -> str:
        """Where and since when it was said: ``grievance #3, 2 Nov`` or ``grievances #3,
        #5 and an interview, since 2 Nov`` (an interview is never named: its speaker may
        be anonymous)."""
        parts = []
        if self.grievances:
            noun = "grievance" if len(self.grievances) == 1 else "grievances"
            parts.append(f"{noun} " + ", ".join(f"#{n}" for n in self.grievances))
        if self.interviews:
            parts.append(
                "an interview" if self.interviews == 1 else f"{self.interviews} interviews"
            )
        where = " and ".join(parts)
        if self.since is None:
            return where
        when = f"{self.since.day} {self.since:%b}"
        return f"{where}, {'since ' if self.count > 1 else ''}{when}" if where else when


@dataclass(frozen=True)
class Insights:
    """The three lists of a case, most often said first."""

    cares_about: list[InsightItem]
    success_measures: list[InsightItem]
    went_well: list[InsightItem]

    @property
    def empty(self) -> bool:
        """True when nobody has said anything of the kind yet."""
        return not (self.cares_about or self.success_measures or self.went_well)


def normalise(item: str) -> str:
    """The de-duplication key: lower case, no punctuation, no filler words."""
    words = _NOISE.sub(" ", _APOSTROPHES.sub("", item.lower())).split()
    return " ".join(w for w in words if w not in _STOPWORDS)


def split_items(answer: str | None) -> list[str]:
    """Split a free-text answer into its items."""
    if not answer:
        return []
    return [part.strip(" .,-") for part in _SPLIT.split(answer) if normalise(part)]


def tally(
    answers: Iterable[tuple[int, str | None]],
    limit: int = MAX_ITEMS,
    when: Mapping[int, date] | None = None,
) -> list[InsightItem]:
    """Count items across ``(grievance number, answer)`` pairs, most frequent first;
    ``when`` is the day each grievance was filed (the items' ``since``)."""
    items: dict[str, InsightItem] = {}
    for number, answer in answers:
        for text in split_items(answer):
            item = items.setdefault(normalise(text), InsightItem(text=text))
            item.count += 1
            item.heard_on((when or {}).get(number))
            if number not in item.grievances:
                item.grievances.append(number)
    ranked = sorted(items.values(), key=lambda i: (-i.count, i.grievances[0]))
    return ranked[:limit]


def collect(
    *,
    session: Session,
    case: Case,
    include_confidential: bool,
    reader: Person | None = None,
    side: Side = Side.CLIENT,
) -> Insights:
    """What ``side`` said in the case's grievances (confidential ones only for leads, and
    never one that names ``reader``).

    One side at a time: what the team says the client cares about is not what the
    client said it cares about.
    """
    query = select(
        Grievance.number,
        Grievance.cares_about,
        Grievance.success_measure,
        Grievance.went_well,
        Grievance.created_at,
    ).where(
        Grievance.case_id == case.id,
        Grievance.side == side,
        grievances_shown(include_confidential=include_confidential, reader=reader),
    )
    rows = session.execute(query.order_by(Grievance.number)).all()
    when = {r.number: r.created_at.date() for r in rows}
    return Insights(
        cares_about=tally(((r.number, r.cares_about) for r in rows), when=when),
        success_measures=tally(((r.number, r.success_measure) for r in rows), when=when),
        went_well=tally(((r.number, r.went_well) for r in rows), when=when),
    )
