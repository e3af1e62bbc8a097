"""The theme of each interview question (what went wrong, what matters most...), for findings.

The default questions have a theme by position (``QUESTION_THEMES``); a lead's own
questions get one from their words (``THEME_KEYWORDS``), or none rather than a guess.
"""

from __future__ import annotations

import enum

from bot.playbook.interviews.questions import DEFAULT_QUESTIONS
from storage.models import Interview, InterviewAnswer


class Theme(enum.StrEnum):
    """What a question asks about, so findings can group answers across people and sides."""

    WENT_WRONG = "went_wrong"
    MATTERS_MOST = "matters_most"
    SUCCESS = "success"
    WENT_WELL = "went_well"
    CONFIDENCE = "confidence"


#: The theme of each question of the default sets, by position (both sides share it).
QUESTION_THEMES: tuple[Theme, ...] = (
    Theme.WENT_WRONG,
    Theme.MATTERS_MOST,
    Theme.SUCCESS,
    Theme.WENT_WELL,
    Theme.CONFIDENCE,
)

#: Words that give a custom question a theme, tried in this order (first match wins).
THEME_KEYWORDS: tuple[tuple[Theme, tuple[str, ...]], ...] = (
    (Theme.WENT_WRONG, ("went wrong", "go wrong", "gone wrong", "goes wrong", "what broke")),
    (
        Theme.WENT_WELL,
        ("went well", "work well", "worked well", "works well", "go well", "used to"),
    ),
    (Theme.CONFIDENCE, ("confident", "confidence", "reassur", "trust")),
    (Theme.SUCCESS, ("success", "succeed", "judge", "measure", "back on track")),
    (
        Theme.MATTERS_MOST,
        ("matters most", "matter most", "care about", "most important", "priorit"),
    ),
)


def theme_of(question: str) -> Theme | None:
    """The theme of a question: by position if it is a default one, else by its keywords.

    Custom questions that match no keyword have no theme (None): findings then show
    them as they are instead of guessing.
    """
    for defaults in DEFAULT_QUESTIONS.values():
        if question in defaults:
            return QUESTION_THEMES[defaults.index(question)]
    lowered = question.casefold()
    for theme, words in THEME_KEYWORDS:
        if any(word in lowered for word in words):
            return theme
    return None


def answer_theme(answer: InterviewAnswer) -> Theme | None:
    """The theme of one stored answer, from the question text it was asked with."""
    return theme_of(answer.question)


def themed_answers(interview: Interview) -> list[tuple[Theme | None, InterviewAnswer]]:
    """The answers someone actually gave (blank ones left out), each with its theme."""
    return [(answer_theme(answer), answer) for answer in interview.answers if answer.answer.strip()]
