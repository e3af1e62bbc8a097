"""The stakeholders form: who leads and who speaks for each side."""

from __future__ import annotations

from pydantic import BaseModel
from slack_sdk.models.blocks import Block, InputBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.blocks.block_elements import UserMultiSelectElement
from slack_sdk.models.views import View

from bot.ids import Callback
from bot.playbook.stakeholders import ROLE_LABELS
from storage.models import Role

ROLE_HINTS = {
    Role.CLIENT_LEADER: "Their buy-in decides whether a strategy is agreed.",
    Role.CLIENT_MEMBER: "Others on the client's side.",
    Role.TEAM_LEAD: "Lead the delivery team's side of the recovery.",
    Role.TEAM_MEMBER: "Everyone else on the delivery team.",
}


class PeopleContext(BaseModel):
    """What the form remembers (``private_metadata``)."""

    team_id: str
    channel_id: str


def people_modal(context: PeopleContext, current: dict[Role, list[str]]) -> View:
    """One multi-user picker per role, prefilled with today's stakeholders."""
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
    return View(
        type="modal",
        callback_id=Callback.PEOPLE_MODAL,
        title="Stakeholders",
        submit="Save",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=blocks,
    )
