"""The perception gap: how the client side and the team side each see every category.

A recovery goes wrong when the team thinks quality is fine while the client thinks it is
the whole problem. So, per category and per side, this gathers what that side said:

* the severity (1–4) of its public grievances in the category,
* how many of its interviews mention the category (answers carry no category, so they
  are matched by the words they use; anonymous answers only where the anonymity rule
  lets them be shown),
* its check-in ratings (1–5) of questions about the category (matched the same way).

A category both sides have spoken on is compared; one only one side has spoken on says
so, since silence from the other side is a finding too. Findings and the digest show it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook.answers import Rating, ratings
from bot.playbook.interviews import Heard, heard, themed_answers
from storage.models import Case, Category, Grievance, Side

#: Words that place an interview answer or a check-in question in a category.
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
#: A difference worth flagging: this much apart in average severity (1–4) or rating (1–5).
GAP_THRESHOLD = 1.0


def categories_in(text: str) -> set[Category]:
    """The categories whose words ``text`` uses."""
    lowered = text.lower()
    return {c for c, words in CATEGORY_WORDS.items() if any(w in lowered for w in words)}


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class Voice:
    """What one side said about one category."""

    severities: list[int] = field(default_factory=list)
    interviews: int = 0
    ratings: list[int] = field(default_factory=list)

    @property
    def spoken(self) -> bool:
        """True when the side said anything about the category."""
        return bool(self.severities or self.interviews or self.ratings)

    @property
    def severity(self) -> float | None:
        """Average severity of its grievances (1–4)."""
        return _mean(self.severities)

    @property
    def confidence(self) -> float | None:
        """Average check-in rating (1–5)."""
        return _mean(self.ratings)


@dataclass(frozen=True)
class CategoryView:
    """One category as each side sees it."""

    category: Category
    client: Voice
    team: Voice

    @property
    def both_spoken(self) -> bool:
        """True when the two sides can be compared."""
        return self.client.spoken and self.team.spoken

    @property
    def only(self) -> Side | None:
        """The one side that has spoken, when only one has."""
        if self.both_spoken:
            return None
        return Side.CLIENT if self.client.spoken else Side.TEAM

    @property
    def gap(self) -> bool:
        """True when the sides' severities or confidences are ``GAP_THRESHOLD`` apart."""
        pairs = (
            (self.client.severity, self.team.severity),
            (self.client.confidence, self.team.confidence),
        )
        return any(
            client is not None and team is not None and abs(client - team) >= GAP_THRESHOLD
            for client, team in pairs
        )


def compare(
    *,
    grievances: Iterable[tuple[Category, Side, int]],
    mentions: Iterable[tuple[Category, Side]],
    rated: Iterable[Rating],
) -> list[CategoryView]:
    """Every category someone spoke on, both sides first, then by how much was said (pure)."""
    voices: dict[tuple[Category, Side], Voice] = defaultdict(Voice)
    for category, side, severity in grievances:
        voices[(category, side)].severities.append(severity)
    for category, side in mentions:
        voices[(category, side)].interviews += 1
    for rating in rated:
        for category in categories_in(rating.question):
            voices[(category, rating.side)].ratings.append(rating.value)
    views = [
        CategoryView(category, voices[(category, Side.CLIENT)], voices[(category, Side.TEAM)])
        for category in Category
        if voices[(category, Side.CLIENT)].spoken or voices[(category, Side.TEAM)].spoken
    ]
    return sorted(views, key=lambda v: (not v.both_spoken, not v.gap))


def interview_mentions(interviews: Iterable[Heard]) -> list[tuple[Category, Side]]:
    """One ``(category, side)`` per showable interview per category its answers mention."""
    found: list[tuple[Category, Side]] = []
    for one in interviews:
        if one.withheld:
            continue
        mentioned: set[Category] = set()
        for _theme, answer in themed_answers(one.interview):
            mentioned |= categories_in(answer.answer)
        found.extend((category, one.side) for category in mentioned)
    return found


def gather(
    *, session: Session, case: Case, interviews: list[Heard] | None = None
) -> list[CategoryView]:
    """The case's perception by category, from what may be shown in the channel."""
    grievances = session.execute(
        select(Grievance.category, Grievance.side, Grievance.severity).where(
            Grievance.case_id == case.id, Grievance.confidential.is_(False)
        )
    ).all()
    return compare(
        grievances=[(category, side, severity) for category, side, severity in grievances],
        mentions=interview_mentions(
            interviews if interviews is not None else heard(session=session, case=case)
        ),
        rated=ratings(session=session, case=case),
    )
