"""What was learnt, shared openly: themes, what matters, quotes, coverage, perception gap.

Everything here is computed from non-confidential grievances and answered interviews,
so a findings post can go to a channel the client is in. Interview answers carry no
category, so they are matched to categories by the words they use; the interviews module says
which answers are "what matters", "success" and "used to go well".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.playbook.access import Action, require
from bot.playbook.insights import InsightItem, collect, normalise, tally
from bot.playbook.interviews import (
    Coverage,
    Theme,
    answered_interviews,
    attribution,
    coverage,
    side_of,
    themed_answers,
)
from bot.playbook.timeline import Kind, record
from storage.models import Case, Category, Grievance, Person, Side

#: Words that place an interview answer in a category.
CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    Category.QUALITY: ("bug", "defect", "broken", "crash", "quality", "regression", "error"),
    Category.TIMELINE: ("late", "deadline", "delay", "slip", "schedule", "timeline", "on time"),
    Category.COMMUNICATION: (
        "told",
        "tell",
        "inform",
        "communicat",
        "update",
        "surprise",
        "silence",
        "respond",
        "reply",
        "heard",
        "listen",
    ),
    Category.COST: ("cost", "budget", "invoice", "price", "expensive", "overrun", "money"),
    Category.SCOPE: ("scope", "feature", "requirement", "change request", "spec"),
    Category.PEOPLE: ("rude", "attitude", "people", "staff", "turnover", "morale", "trust"),
}
#: A gap worth showing: the sides' average severity differs by at least this much.
GAP_THRESHOLD = 1.0
MAX_QUOTES = 5
#: Answers that feed the insight lists rather than being quoted.
_INSIGHT_THEMES = {Theme.MATTERS_MOST, Theme.SUCCESS, Theme.WENT_WELL}
#: Answers worth quoting: how it went wrong and what would restore confidence.
_QUOTABLE = {Theme.WENT_WRONG, Theme.CONFIDENCE, None}


@dataclass(frozen=True)
class CategoryTheme:
    """One category: how often it came up in grievances and in interviews."""

    category: Category
    grievances: int
    interviews: int

    @property
    def total(self) -> int:
        """Mentions in all."""
        return self.grievances + self.interviews


@dataclass(frozen=True)
class Gap:
    """A category the two sides rate differently (average severity, 1–4)."""

    category: Category
    client: float
    team: float


@dataclass(frozen=True)
class Quote:
    """A representative thing someone said; ``who`` is a role when they asked for anonymity."""

    text: str
    who: str
    side: Side


@dataclass
class Findings:
    """Everything a findings post shows."""

    themes: list[CategoryTheme]
    cares_about: list[InsightItem]
    success_measures: list[InsightItem]
    went_well: list[InsightItem]
    quotes: list[Quote]
    coverage: Coverage
    gaps: list[Gap]


def categories_in(text: str) -> set[Category]:
    """The categories whose words ``text`` uses."""
    lowered = text.lower()
    return {c for c, words in CATEGORY_WORDS.items() if any(w in lowered for w in words)}


def perception_gaps(grievances: list[Grievance]) -> list[Gap]:
    """Categories both sides raised, whose average severities differ by the threshold."""
    severities: dict[tuple[Category, Side], list[int]] = defaultdict(list)
    for grievance in grievances:
        severities[(grievance.category, grievance.side)].append(grievance.severity)
    gaps = []
    for category in Category:
        client, team = (
            severities.get((category, Side.CLIENT)),
            severities.get((category, Side.TEAM)),
        )
        if client and team:
            gap = Gap(category, sum(client) / len(client), sum(team) / len(team))
            if abs(gap.client - gap.team) >= GAP_THRESHOLD:
                gaps.append(gap)
    return sorted(gaps, key=lambda g: -abs(g.client - g.team))


def gather(*, session: Session, case: Case) -> Findings:
    """Compute the findings of ``case`` from what may be shared with everyone in it."""
    grievances = list(
        session.scalars(
            select(Grievance)
            .options(selectinload(Grievance.raised_by))
            .where(Grievance.case_id == case.id, Grievance.confidential.is_(False))
            .order_by(Grievance.number)
        )
    )
    from_interviews: dict[Category, int] = defaultdict(int)
    themed: dict[Theme, list[tuple[int, str]]] = defaultdict(list)
    quotes: list[Quote] = []
    for interview in answered_interviews(session=session, case=case):
        who = attribution(session=session, interview=interview)
        side = side_of(session=session, case=case, person=interview.person)
        mentioned: set[Category] = set()
        for theme, answer in themed_answers(interview):
            mentioned |= categories_in(answer.answer)
            if theme in _INSIGHT_THEMES:
                themed[theme].append((0, answer.answer))
            elif len(quotes) < MAX_QUOTES and theme in _QUOTABLE:
                quotes.append(Quote(answer.answer.strip(), who, side))
        for category in mentioned:
            from_interviews[category] += 1

    from_grievances: dict[Category, int] = defaultdict(int)
    for grievance in grievances:
        from_grievances[grievance.category] += 1
    themes = [
        CategoryTheme(c, from_grievances[c], from_interviews[c])
        for c in Category
        if from_grievances[c] or from_interviews[c]
    ]
    themes.sort(key=lambda t: -t.total)

    for grievance in sorted(grievances, key=lambda g: -g.severity):
        if len(quotes) >= MAX_QUOTES:
            break
        name = (
            grievance.raised_by.display_name
            if grievance.raised_by
            else (grievance.raised_by_name or "someone")
        )
        quotes.append(Quote(grievance.text, name, grievance.side))

    insights = collect(session=session, case=case, include_confidential=False)
    return Findings(
        themes=themes,
        cares_about=_merge(insights.cares_about, themed[Theme.MATTERS_MOST]),
        success_measures=_merge(insights.success_measures, themed[Theme.SUCCESS]),
        went_well=_merge(insights.went_well, themed[Theme.WENT_WELL]),
        quotes=quotes,
        coverage=coverage(session=session, case=case),
        gaps=perception_gaps(grievances),
    )


def share(*, session: Session, case: Case, actor: Person) -> Findings:
    """A lead shares the findings with the channel: gather them and note it on the timeline."""
    require(session=session, case=case, person=actor, action=Action.SHARE_FINDINGS)
    found = gather(session=session, case=case)
    record(
        session=session,
        case=case,
        kind=Kind.FINDINGS_SHARED,
        author=actor,
        text="Findings shared with the channel",
    )
    return found


def _merge(from_grievances: list[InsightItem], answers: list[tuple[int, str]]) -> list[InsightItem]:
    """Add interview answers (number 0: not a grievance) to a grievance insight list."""
    if not answers:
        return from_grievances
    extra = tally(answers)
    merged = {normalise(item.text): item for item in from_grievances}
    for item in extra:
        known = merged.get(normalise(item.text))
        if known:
            known.count += item.count
        else:
            merged[normalise(item.text)] = InsightItem(item.text, item.count, [])
    return sorted(merged.values(), key=lambda i: -i.count)[:10]
