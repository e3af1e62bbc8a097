"""What was learnt, shared openly: themes, what each side said, quotes, coverage, perception.

Everything here is computed from non-confidential grievances and answered interviews,
so a findings post can go to a channel the client is in. Sides never mix: what the
client said it cares about is listed apart from what the team said. Anonymous answers
are shown only as ``bot.playbook.anonymity`` allows (under a role or a side of at least
three); the rest are held back, and the post says how many.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.playbook import perception
from bot.playbook.access import Action, require
from bot.playbook.insights import Insights
from bot.playbook.interviews import Coverage, Theme, coverage, heard, themed_answers
from bot.playbook.said import said
from bot.playbook.timeline import Kind, record
from storage.models import Case, Category, Grievance, Person, Side

MAX_QUOTES = 5
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
class Quote:
    """A representative thing someone said; ``who`` is never more than anonymity allows."""

    text: str
    who: str
    side: Side


@dataclass
class Findings:
    """Everything a findings post shows."""

    themes: list[CategoryTheme]
    client: Insights
    team: Insights
    quotes: list[Quote]
    coverage: Coverage
    perception: list[perception.CategoryView]
    #: Anonymous interviews held back because too few people could hide among them.
    withheld: int = 0


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
    interviews = heard(session=session, case=case)
    quotes: list[Quote] = []
    for one in interviews:
        if one.speaker is None:
            continue
        for theme, answer in themed_answers(one.interview):
            if len(quotes) < MAX_QUOTES and theme in _QUOTABLE:
                quotes.append(Quote(answer.answer.strip(), one.speaker, one.side))
    from_interviews: dict[Category, int] = defaultdict(int)
    for category, _side in perception.interview_mentions(interviews):
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

    return Findings(
        themes=themes,
        client=said(session=session, case=case, side=Side.CLIENT, interviews=interviews),
        team=said(session=session, case=case, side=Side.TEAM, interviews=interviews),
        quotes=quotes,
        coverage=coverage(session=session, case=case),
        perception=perception.gather(session=session, case=case, interviews=interviews),
        withheld=sum(1 for one in interviews if one.withheld),
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
