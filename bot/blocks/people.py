"""The stakeholders form: who leads, who speaks for each side, and a side correction."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    RadioButtonsElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.text import plain_escape, trim
from bot.ids import Callback, PeopleField
from bot.playbook.sides import OnSide
from bot.playbook.stakeholders import ROLE_LABELS
from bot.vocabulary import Role, Side

ROLE_HINTS = {
    Role.CLIENT_LEADER: "Their buy-in decides whether a strategy is agreed.",
    Role.CLIENT_MEMBER: "Others on the client's side.",
    Role.TEAM_LEAD: "Lead the delivery team's side of the recovery.",
    Role.TEAM_MEMBER: "Everyone else on the delivery team.",
}

SIDE_CHOICES = {Side.CLIENT: "Client side", Side.TEAM: "Delivery team"}


class PeopleContext(BaseModel):
    """What the form remembers (``private_metadata``)."""

    team_id: str
    channel_id: str


def sides_text(people: Sequence[OnSide]) -> str:
    """Who is on which side today, leads marked: ``*Delivery team:* ana (lead), ben``."""
    lines = []
    for side, label in SIDE_CHOICES.items():
        names = [
            plain_escape(s.name) + (" (lead)" if s.lead else "") for s in people if s.side is side
        ]
        lines.append(f"*{label}:* {', '.join(names) or 'nobody yet'}")
    return trim("\n".join(lines), 3000)


def people_modal(
    context: PeopleContext, current: dict[Role, list[str]], people: Sequence[OnSide]
) -> View:
    """One multi-user picker per role, prefilled with today's stakeholders, then who is
    on which side and a way to correct a side Slack's profile got wrong."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Who speaks for each side of this case? Roles decide whose buy-in a strategy "
                "needs and how interviews are planned. Changes go on the case's timeline."
            )
        )
    ]
    for role in Role:
        blocks.append(
            InputBlock(
                block_id=role.value,
                label=ROLE_LABELS[role].capitalize(),
                optional=True,
                hint=ROLE_HINTS[role],
                element=UserMultiSelectElement(
                    action_id=role.value,
                    placeholder="Choose people",
                    initial_users=current.get(role) or None,
                ),
            )
        )
    blocks += [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=sides_text(people))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Roles stay on each person's side. If Slack put someone on the wrong "
                    "side, correct it here; the timeline records who changed it."
                )
            ]
        ),
        InputBlock(
            block_id=PeopleField.SIDE_PERSON,
            label="Correct someone's side",
            optional=True,
            element=UserSelectElement(
                action_id=PeopleField.SIDE_PERSON, placeholder="Choose a person"
            ),
        ),
        InputBlock(
            block_id=PeopleField.SIDE,
            label="Their side",
            optional=True,
            element=RadioButtonsElement(
                action_id=PeopleField.SIDE,
                options=[
                    Option(value=side.value, text=text) for side, text in SIDE_CHOICES.items()
                ],
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.PEOPLE_MODAL,
        title="Stakeholders",
        submit="Save",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=blocks,
    )
