"""The one builder of a modal's text input, shared by every form.

Slack's rules for it live here once: the block id and action id are the same name (so
``handlers.view_state.flatten`` finds the answer by block), ``initial_value`` must fit
``max_length`` and may not be empty, and 3,000 characters is the most Slack allows.
"""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement

#: Slack caps a plain_text_input at 3,000 characters.
TEXT_INPUT_LIMIT = 3000


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str | None = None,
    multiline: bool = True,
    optional: bool = True,
    hint: str | None = None,
    placeholder: str | None = None,
    max_length: int = TEXT_INPUT_LIMIT,
) -> InputBlock:
    """A text input whose block id and action id are both ``block_id``."""
    return InputBlock(
        block_id=block_id,
        label=label[:2000],
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=block_id,
            multiline=multiline,
            initial_value=(initial or "")[:max_length] or None,
            max_length=max_length,
            placeholder=placeholder,
        ),
    )
