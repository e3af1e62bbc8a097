"""The private question asked when ``/grievance`` text reads two ways.

One builder for the three situations (a lone unknown word, a command whose words do not
fit it, an ``update`` with words), so each shows the typed words back, offers *File as
grievance*, and offers the command only to someone who may run it. Both buttons carry the
same value (``bot.playbook.readings.Choice``); the action id says which reading was picked.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import fit, plain_escape, trim
from bot.ids import Action
from bot.playbook.commands import Usage

#: How much of the typed words the question quotes back (a section holds 3,000).
QUOTE_LIMIT = 2500
SECTION_TEXT = 3000
PRIVATE = "Only you can see this. Nothing is filed or posted until you choose."


@dataclass(frozen=True)
class Question:
    """The words of one question: what is asked, the *Run* label, a note under it."""

    ask: str
    run_label: str | None
    note: str


def did_you_mean(word: str, suggestion: str | None) -> Question:
    """A lone word that is no command: the closest one if it is close, and filing."""
    said = f"I don't know the command `{fit(word, 40)}`."
    if suggestion:
        return Question(
            f"{said} Did you mean `/grievance {suggestion}`? Or file it as a grievance?",
            f"Run /grievance {suggestion}",
            "`/grievance help` lists every command.",
        )
    return Question(
        f"{said} File it as a grievance?", None, "`/grievance help` lists every command."
    )


def misfit(usage: Usage) -> Question:
    """Words that start with a command's name but are not written as that command."""
    return Question(
        f"That starts like `/grievance {usage.name}`, but the rest isn't how that command "
        "is written. File this as a grievance?",
        f"Run /grievance {usage.name}",
        f"`{usage.syntax}` — {usage.summary}",
    )


def update_to_confirm(*, may_post: bool) -> Question:
    """``update <words>``: a preview before anything public, or filing for the others."""
    if may_post:
        return Question(
            "Post this as a progress update in the channel, where everyone (the client "
            "too) will see it? Or file it as a grievance?",
            "Post progress update",
            "You or a case lead can correct or withdraw an update after it is posted.",
        )
    return Question(
        "File this as a grievance?",
        None,
        "Progress updates come from the delivery team of this channel's case, so it can't "
        "be posted as one.",
    )


def reading_choice(question: Question, text: str, value: str) -> list[Block]:
    """The question, the words quoted back, and a button for each reading on offer."""
    buttons = [ButtonElement(text="File as grievance", action_id=Action.FILE_TEXT, value=value)]
    if question.run_label:
        buttons.append(
            ButtonElement(text=question.run_label[:75], action_id=Action.RUN_TEXT, value=value)
        )
    lines = fit(text, QUOTE_LIMIT).splitlines() or [""]
    quoted = trim("\n".join(f">{line}" for line in lines), SECTION_TEXT)
    return [
        SectionBlock(text=MarkdownTextObject(text=question.ask)),
        SectionBlock(text=MarkdownTextObject(text=quoted)),
        ActionsBlock(elements=buttons),
        ContextBlock(elements=[MarkdownTextObject(text=f"{question.note} {PRIVATE}")]),
    ]


def reading_text(question: Question) -> str:
    """The notification text: the question, without formatting."""
    return plain_escape(question.ask.replace("`", ""))
