"""The client pulse as people meet it: the DM that asks, its thanks, the comment form,
what the leads are told, and ``/grievance pulse``'s results.

Pure builders from plain values. Results are averages and counts: who gave what reaches
only the leads (``pulse_for_leads``, and the comments in ``results_text`` when a lead asks).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.inputs import text_input
from bot.blocks.text import plain_escape, trim
from bot.ids import Action, Callback, PulseField
from bot.playbook.pulse import MAX_COMMENT, Answered, Comment
from bot.playbook.pulse_results import RoundResult, change_words
from bot.vocabulary import plural

SECTION_TEXT = 3000
LABELS = {1: "1 · Badly", 2: "2 · Not well", 3: "3 · Mixed", 4: "4 · Well", 5: "5 · Very well"}
PRIVACY = (
    "Your answer goes to the case's leads with your name; everyone else only sees the "
    "average of all answers."
)


def question(client_name: str) -> str:
    """The one question, the same every round so the trend means something."""
    return (
        f"How are things going on the *{plain_escape(client_name)}* work, from where you "
        "stand? 1 is badly, 5 is very well."
    )


def request_text(client_name: str) -> str:
    """Fallback text of the DM."""
    return f"Client pulse: how are things going on the {plain_escape(client_name)} work?"


def request(client_name: str, reply_id: int) -> list[Block]:
    """The DM that asks: the question, five buttons, and who will read the answer."""
    return [
        SectionBlock(text=MarkdownTextObject(text=f":wave: {question(client_name)}")),
        ActionsBlock(
            block_id=Action.PULSE_RATE,
            elements=[
                ButtonElement(
                    text=str(rating),
                    action_id=f"{Action.PULSE_RATE}:{rating}",
                    value=f"{reply_id}:{rating}",
                )
                for rating in LABELS
            ],
        ),
        ContextBlock(elements=[MarkdownTextObject(text=PRIVACY)]),
    ]


def thanks(answered: Answered) -> list[Block]:
    """What the DM becomes once answered: the rating kept, a way to add words or change."""
    said = f"\n>{plain_escape(answered.comment)}" if answered.comment else ""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=trim(
                    f":pray: Thank you: you rated how things are going on the "
                    f"*{plain_escape(answered.client_name)}* work *{answered.rating}/5*.{said}",
                    SECTION_TEXT,
                )
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Change or add a comment" if answered.comment else "Add a comment",
                    action_id=Action.PULSE_COMMENT,
                    value=str(answered.reply_id),
                )
            ]
        ),
        ContextBlock(elements=[MarkdownTextObject(text=PRIVACY)]),
    ]


def thanks_text(answered: Answered) -> str:
    """Fallback text of the answered DM."""
    return (
        f"Client pulse: thank you, you rated the {plain_escape(answered.client_name)} work "
        f"{answered.rating}/5."
    )


class PulseModalContext(BaseModel):
    """What the comment form remembers (``private_metadata``): the reply and its DM."""

    reply_id: int
    dm_channel: str | None = None
    dm_ts: str | None = None


def comment_modal(context: PulseModalContext, client_name: str, rating: int | None) -> View:
    """The rating (as given) and a comment."""
    options = [Option(text=label, value=str(score)) for score, label in LABELS.items()]
    chosen = next((o for o in options if o.value == str(rating)), None)
    return View(
        type="modal",
        callback_id=Callback.PULSE_MODAL,
        title="Client pulse",
        submit="Send",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=question(client_name))),
            InputBlock(
                block_id=PulseField.RATING,
                label="Your rating",
                element=StaticSelectElement(
                    action_id=PulseField.RATING,
                    placeholder="1 to 5",
                    options=options,
                    initial_option=chosen,
                ),
            ),
            text_input(
                PulseField.COMMENT,
                "What would you like us to know?",
                optional=True,
                max_length=MAX_COMMENT,
                placeholder="What is going well, and what should change?",
            ),
            ContextBlock(elements=[MarkdownTextObject(text=PRIVACY)]),
        ],
    )


def for_leads_text(answered: Answered) -> str:
    """What a lead is told of a low answer or new words: the leads may know who."""
    said = f"\n>{plain_escape(answered.comment)}" if answered.comment else ""
    return (
        f":bar_chart: Client pulse #{answered.number} for *{plain_escape(answered.client_name)}*: "
        f"*{answered.rating}/5* from {plain_escape(answered.who)}.{said}"
    )


def asked_text(client_name: str, number: int, asked: int) -> str:
    """What the lead who sent a round now sees."""
    return (
        f"Client pulse #{number} for {plain_escape(client_name)} went to "
        f"{plural(asked, 'person', 'people')} on the client side. `/grievance pulse` shows "
        "the answers as they come."
    )


def round_line(result: RoundResult, before: RoundResult | None, zone: ZoneInfo) -> str:
    """``#3 · Mon 30 Nov: 3.7/5 from 3 of 4 people, up from 3.0``."""
    day = f"{result.sent_at.astimezone(zone):%a %d %b}"
    if result.average is None:
        return f"• #{result.number} · {day}: no answers yet ({result.asked} asked)"
    moved = change_words(result, before)
    return (
        f"• #{result.number} · {day}: *{result.average:.1f}/5* from {result.answered} of "
        f"{plural(result.asked, 'person', 'people')}{', ' + moved if moved else ''}"
    )


def trend_lines(rounds: Sequence[RoundResult], zone: ZoneInfo, last: int = 4) -> list[str]:
    """The newest ``last`` rounds, newest first, each against the answered one before it."""
    lines = []
    for index in range(len(rounds) - 1, max(-1, len(rounds) - 1 - last), -1):
        before = next((r for r in reversed(rounds[:index]) if r.answered), None)
        lines.append(round_line(rounds[index], before, zone))
    return lines


def results_text(
    *,
    client_name: str,
    cadence: str,
    next_due: datetime | None,
    zone: ZoneInfo,
    rounds: Sequence[RoundResult],
    comments: Sequence[Comment] | None,
) -> str:
    """``/grievance pulse``: the cadence, the next round, the trend; comments for leads."""
    upcoming = (
        f" The next: {next_due.astimezone(zone):%a %d %b %H:%M} ({zone.key})." if next_due else ""
    )
    how = f"is {cadence}" if cadence.startswith("off") else f"asks the client side {cadence}"
    lines = [f"*Client pulse · {plain_escape(client_name)}* {how}.{upcoming}"]
    lines += trend_lines(rounds, zone) or ["No pulse sent yet."]
    if comments:
        lines.append("*What they said in the latest pulse* (leads only):")
        lines += [
            f"• {plain_escape(c.who)} ({c.rating}/5): {plain_escape(c.text)}" for c in comments
        ]
    lines.append(
        "A lead sets it with `/grievance pulse every 3 weeks`, `pulse default`, `pulse off`, "
        "or asks at once with `/grievance pulse now`."
    )
    return trim("\n".join(lines), SECTION_TEXT)
