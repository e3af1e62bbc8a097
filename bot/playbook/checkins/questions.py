"""What a check-in asks: its questions, stored as JSON, and the ones a new schedule starts with.

A check-in asks in the words the client used for success: by default one 1–5 rating per
success measure of the current strategy (or, before there is a strategy, in the client
side's own words, saying when they said them: how they measure success, what mattered
most, what used to go well), then one open question. The rest of the package reads
and writes a schedule's questions only through ``load_questions`` and ``dump_questions``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.playbook.insights import InsightItem, Insights
from bot.playbook.said import said
from bot.playbook.schedules import WEEKDAYS, Cadence
from bot.playbook.strategy import latest, split_measures
from storage.models import Case, Side, Stage

RATING, TEXT = "rating", "text"
MAX_QUESTIONS = 10
MAX_QUESTION = 200
#: How many success measures become rating questions by default.
MAX_DEFAULT_MEASURES = 5
CONFIDENCE_QUESTION = "How confident are you that we are back on track?"
OPEN_QUESTION = "Anything we should know?"


@dataclass(frozen=True)
class Question:
    """One question of a check-in: a 1–5 rating (buttons) or free text (thread replies)."""

    kind: str
    text: str


def load_questions(stored: str | None) -> list[Question]:
    """The stored JSON list; anything malformed is skipped rather than breaking a post."""
    try:
        items = json.loads(stored or "[]")
    except ValueError:
        return []
    questions = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("kind") in (RATING, TEXT) and item.get("text"):
            questions.append(Question(kind=str(item["kind"]), text=str(item["text"])))
    return questions


def dump_questions(questions: Sequence[Question]) -> str:
    """As stored in ``CheckinSchedule.questions``."""
    return json.dumps([{"kind": q.kind, "text": q.text} for q in questions], ensure_ascii=False)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _when(item: InsightItem) -> str:
    return f"In {item.since:%B}" if item.since else "Earlier"


def client_prompts(client: Insights) -> list[str]:
    """Rating prompts in the client side's own words, each saying when they said it: how
    they measure success, then what mattered most to them and what used to go well."""
    prompts = [
        f"{_when(item)} you said success means {item.text.rstrip('.?!')} — how are we doing?"
        for item in client.success_measures
    ]
    prompts += [
        f"{_when(item)} you said {item.text.rstrip('.?!')} mattered most — how are we doing on it?"
        for item in client.cares_about[:1]
    ]
    prompts += [
        f"You told us {item.text.rstrip('.?!')} used to go well — are we back there?"
        for item in client.went_well[:1]
    ]
    return prompts


def default_questions(*, session: Session, case: Case) -> list[Question]:
    """A 1–5 rating per success measure of the current strategy ("How are we doing on
    <measure>?"), else prompts in the client side's own words (``client_prompts``), then
    "Anything we should know?".

    Never the team's words, never from confidential grievances: the check-in is posted in
    the channel.
    """
    current = latest(session=session, case=case)
    measures = split_measures(current.success_measures) if current else []
    if measures:
        prompts = [f"How are we doing on {measure.rstrip('.?!')}?" for measure in measures]
    else:
        prompts = client_prompts(said(session=session, case=case, side=Side.CLIENT))
    ratings = [
        Question(RATING, _cut(prompt, MAX_QUESTION)) for prompt in prompts[:MAX_DEFAULT_MEASURES]
    ] or [Question(RATING, CONFIDENCE_QUESTION)]
    return [*ratings, Question(TEXT, OPEN_QUESTION)]


def suggested_cadence(stage: Stage) -> Cadence:
    """Every weekday while stabilizing; weekly (Mondays) once the rework has started."""
    if stage is Stage.STABILIZE:
        return Cadence(days=WEEKDAYS)
    return Cadence(days=(0,))
