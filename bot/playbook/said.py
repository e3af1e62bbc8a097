"""What one side said it cares about, how it measures success and what used to go well.

Grievances (their "cares about", "success" and "went well" fields) and interview answers
(by the theme of their question) both say it; this puts them together one side at a
time, so the team's words are never listed as the client's. It reads only what may be
shown in the channel: no confidential grievance, and no anonymous answer the anonymity
rule holds back. Findings, the check-in's default questions and the strategy form start
from here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from bot.playbook.insights import InsightItem, Insights, collect, normalise, split_items
from bot.playbook.interviews import Heard, Theme, heard, themed_answers
from storage.models import Case, Side

#: The most items a merged list keeps.
MAX_ITEMS = 10


def said(
    *, session: Session, case: Case, side: Side, interviews: list[Heard] | None = None
) -> Insights:
    """What ``side`` said, from its public grievances and its showable interview answers.

    ``interviews`` saves reading them again when the caller has them (``heard``).
    """
    found = collect(session=session, case=case, include_confidential=False, side=side)
    answers: dict[Theme, list[tuple[str, date | None]]] = defaultdict(list)
    for one in interviews if interviews is not None else heard(session=session, case=case):
        if one.side is not side or one.withheld:
            continue
        day = one.interview.answered_at.date() if one.interview.answered_at else None
        for theme, answer in themed_answers(one.interview):
            if theme is not None:
                answers[theme].append((answer.answer, day))
    return Insights(
        cares_about=_merge(found.cares_about, answers[Theme.MATTERS_MOST]),
        success_measures=_merge(found.success_measures, answers[Theme.SUCCESS]),
        went_well=_merge(found.went_well, answers[Theme.WENT_WELL]),
    )


def _merge(
    from_grievances: list[InsightItem], answers: list[tuple[str, date | None]]
) -> list[InsightItem]:
    """Add interview answers (each item counted once per interview, with its day) to a
    grievance insight list."""
    if not answers:
        return from_grievances
    merged = {normalise(item.text): item for item in from_grievances}
    for answer, day in answers:
        for text in dict.fromkeys(split_items(answer)):
            item = merged.setdefault(normalise(text), InsightItem(text=text))
            item.count += 1
            item.interviews += 1
            item.heard_on(day)
    return sorted(merged.values(), key=lambda i: -i.count)[:MAX_ITEMS]
