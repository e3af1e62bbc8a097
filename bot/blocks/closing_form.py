"""The closing form: the case as it stands, the outcome to choose, and a confirmation
that only appears when "recovered" would contradict the data.

Pure builder over ``bot.playbook.closing_check.ClosingCheck``.
"""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.text import plain_escape, trim
from bot.ids import Callback, ClosingField
from bot.playbook.closing_check import HEALTHY, OUTCOME_LABELS, ClosingCheck
from bot.vocabulary import ClosingOutcome

CONFIRM_OPTION = "confirm"
SECTION_TEXT = 3000

_OUTCOME_HINTS = {
    ClosingOutcome.RECOVERED: "The relationship is back on track.",
    ClosingOutcome.NOT_RECOVERED: "We stop working the case, but it did not recover.",
    ClosingOutcome.CLIENT_LEFT: "The client ended the relationship.",
}


class CloseCaseContext(BaseModel):
    """What the closing form remembers (``private_metadata``): the case and its channel."""

    case_id: int
    channel_id: str


def _names(labels: tuple[str, ...]) -> str:
    return ", ".join(plain_escape(label) for label in labels) or "none"


def _facts(check: ClosingCheck) -> str:
    low = f" (below {HEALTHY})" if check.health < HEALTHY else ""
    grievances = f"*Grievances* {check.still_open} of {check.raised} still open"
    if check.confidential_open:
        grievances += f", and {check.confidential_open} confidential still open"
    if check.version is None:
        buyin = "*Buy-in* no strategy was proposed"
    else:
        reached = "reached" if check.buyin_reached else "not reached"
        buyin = (
            f"*Buy-in* strategy v{check.version}: {reached}; approvals: "
            f"{_names(check.approvers)}; objections: {_names(check.objectors)}"
        )
    return f"*Health* {check.health}/100{low}\n{grievances}\n{buyin}"


def closing_form(context: CloseCaseContext, check: ClosingCheck) -> View:
    """Where the case stands, then: how did it end?"""
    outcomes = [
        Option(text=label, value=outcome.value, description=_OUTCOME_HINTS[outcome])
        for outcome, label in OUTCOME_LABELS.items()
    ]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Closing the *{plain_escape(check.client_name)}* case. Where it stands:"
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=trim(_facts(check), SECTION_TEXT))),
        InputBlock(
            block_id=ClosingField.OUTCOME,
            label="How did it end?",
            element=RadioButtonsElement(action_id=ClosingField.OUTCOME, options=outcomes),
        ),
    ]
    if check.concerns:
        blocks += [
            SectionBlock(
                text=MarkdownTextObject(
                    text=trim(
                        ":warning: The data does not show a recovery: "
                        + plain_escape("; ".join(check.concerns))
                        + ".",
                        SECTION_TEXT,
                    )
                )
            ),
            InputBlock(
                block_id=ClosingField.CONFIRM,
                label="If you choose “Recovered”",
                optional=True,
                element=CheckboxesElement(
                    action_id=ClosingField.CONFIRM,
                    options=[
                        Option(
                            text="Close it as recovered anyway; the channel is told these facts",
                            value=CONFIRM_OPTION,
                        )
                    ],
                ),
            ),
        ]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Closing stops the check-ins and asks every stakeholder for a final "
                    "rating by DM. A lead can reopen the case later."
                )
            ]
        )
    )
    return View(
        type="modal",
        callback_id=Callback.CLOSE_CASE_MODAL,
        title="Close the case",
        submit="Close case",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=blocks,
    )
