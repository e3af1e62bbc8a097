"""The progress update modal and the update's channel message.

Pure builders over ``bot.playbook.progress`` values. The modal ticks off the current
strategy's actions in checkbox groups of ten (Slack's most per element), takes a few
words, and lets the author pick the open grievances the update addresses.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.grievance import STATUS_LABELS
from bot.blocks.inputs import text_input
from bot.blocks.strategy import grievance_option_text
from bot.blocks.text import fit, plain_escape, shorten, trim
from bot.ids import Action, Callback, ProgressField
from bot.playbook.progress import (
    MAX_TEXT,
    ActionChoice,
    UpdateChoices,
    UpdateRef,
    UpdateSnapshot,
)

#: Slack's limits: checkboxes take 10 options, option text 75, section text 3,000.
CHECKBOX_OPTIONS = 10
OPTION_TEXT = 75
SECTION_TEXT = 3000


class ProgressModalContext(BaseModel):
    """What the update modal remembers until it is submitted (``private_metadata``)."""

    team_id: str
    channel_id: str
    case_id: int
    #: The strategy version whose actions were listed (None: no strategy yet).
    strategy_id: int | None = None


def action_block_id(group: int) -> str:
    """``progress_actions:<group>``: one checkbox group per ten actions, from 1."""
    return f"{ProgressField.ACTIONS}:{group}"


def is_action_block(block_id: str) -> bool:
    """True for the block id of an action checkbox group."""
    return block_id.startswith(f"{ProgressField.ACTIONS}:")


def _action_text(action: ActionChoice) -> str:
    owner = action.owner_name or (f"@{action.owner_user_id}" if action.owner_user_id else None)
    extra = " — ".join(p for p in (owner, action.due.isoformat() if action.due else None) if p)
    head = f"{action.position}. "
    tail = f" ({extra})" if extra else ""
    room = OPTION_TEXT - len(head) - len(tail)
    if room < 20:
        tail, room = "", OPTION_TEXT - len(head)
    return head + shorten(" ".join(action.text.split()), room) + tail


def _action_groups(actions: Sequence[ActionChoice], version: int) -> list[Block]:
    groups = [actions[i : i + CHECKBOX_OPTIONS] for i in range(0, len(actions), CHECKBOX_OPTIONS)]
    blocks: list[Block] = []
    for number, group in enumerate(groups, 1):
        block_id = action_block_id(number)
        label = f"Actions of strategy v{version} now done"
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label if number == 1 else f"{label} (continued)",
                optional=True,
                element=CheckboxesElement(
                    action_id=block_id,
                    options=[Option(text=_action_text(a), value=str(a.id)) for a in group],
                ),
            )
        )
    return blocks


def _strategy_part(choices: UpdateChoices) -> list[Block]:
    if choices.version is None:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text="_There is no strategy yet, so this update stands on its own._"
                )
            )
        ]
    blocks = _action_groups(choices.open_actions, choices.version)
    done = [f"~{fit(a.text, 120)}~" for a in choices.done_actions]
    if done:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=trim("Already done: " + " · ".join(done), SECTION_TEXT))
                ]
            )
        )
    elif not choices.open_actions:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"Strategy v{choices.version} lists no actions.")]
            )
        )
    return blocks


def _grievance_part(choices: UpdateChoices) -> list[Block]:
    options = [
        Option(text=grievance_option_text(g.number, g.severity, g.text), value=str(g.id))
        for g in choices.grievances
    ]
    if not options:
        return []
    hidden = choices.open_total - len(options)
    return [
        InputBlock(
            block_id=ProgressField.GRIEVANCES,
            label="Grievances it addresses",
            optional=True,
            hint=(
                f"The {len(options)} most severe of {choices.open_total} open grievances."
                if hidden > 0
                else "Open ones move to “being addressed”; confidential ones are not listed."
            ),
            element=StaticMultiSelectElement(
                action_id=ProgressField.GRIEVANCES,
                placeholder="Choose the grievances this moves forward",
                options=options,
            ),
        )
    ]


def progress_modal(context: ProgressModalContext, choices: UpdateChoices) -> View:
    """The form behind ``/grievance update`` with no text."""
    towards = (
        f"It is posted in the channel, linked to *strategy v{choices.version}*."
        if choices.version
        else "It is posted in the channel."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"Share what moved forward. {towards}")),
        *_strategy_part(choices),
        text_input(
            ProgressField.TEXT,
            "What moved forward?",
            optional=True,
            max_length=MAX_TEXT,
            placeholder="The export fix is in staging; Carla's team can try it from Monday.",
        ),
        *_grievance_part(choices),
    ]
    return View(
        type="modal",
        callback_id=Callback.PROGRESS_MODAL,
        title="Progress update",
        submit="Post",
        close="Cancel",
        private_metadata=context.model_dump_json(),
        blocks=blocks,
    )


# ---- the message ------------------------------------------------------------------------


def _towards(snap: UpdateSnapshot, strategy_link: str | None) -> str:
    if snap.version is None:
        return "No strategy yet"
    label = f"strategy v{snap.version}"
    linked = f"<{strategy_link}|{label}>" if strategy_link else label
    done = (
        f" · {snap.actions_done} of {snap.actions_total} actions done" if snap.actions_total else ""
    )
    return f"Towards {linked}{done}"


def progress_message(snap: UpdateSnapshot, *, strategy_link: str | None) -> list[Block]:
    """The channel message of one update: who, what, what got done, what it addresses."""
    by = plain_escape(snap.author_name) if snap.author_name else "The team"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":rocket: *Progress update* from *{by}*")),
    ]
    if snap.text:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=fit(snap.text, SECTION_TEXT))))
    if snap.ticked:
        lines = "\n".join(f":white_check_mark: {fit(t, 300)}" for t in snap.ticked)
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=trim("*Done*\n" + lines, SECTION_TEXT)))
        )
    if snap.addressed:
        lines = "\n".join(
            f"• #{g.number} · {fit(g.text, 150)} — "
            + (f"now *{STATUS_LABELS[g.status].lower()}*" if g.moved else STATUS_LABELS[g.status])
            for g in snap.addressed
        )
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=trim("*Addresses*\n" + lines, SECTION_TEXT)))
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_towards(snap, strategy_link))]))
    blocks.append(_correction_buttons(snap.ref))
    return blocks


def _correction_buttons(ref: UpdateRef) -> ActionsBlock:
    """*Correct* and *Withdraw*, for the update's author or a case lead (others are told
    so privately when they press)."""
    value = ref.model_dump_json()
    return ActionsBlock(
        block_id=f"progress-{ref.update}",
        elements=[
            ButtonElement(text="Correct", action_id=Action.PROGRESS_CORRECT, value=value),
            ButtonElement(
                text="Withdraw",
                action_id=Action.PROGRESS_WITHDRAW,
                value=value,
                style="danger",
                confirm=ConfirmObject(
                    title="Withdraw this update?",
                    text="It is deleted from the channel; the case timeline notes that it "
                    "was withdrawn.",
                    confirm="Withdraw",
                    deny="Keep it",
                ),
            ),
        ],
    )


def correction_modal(ref: UpdateRef, text: str) -> View:
    """The form behind *Correct*: the update's words, to put right."""
    return View(
        type="modal",
        callback_id=Callback.PROGRESS_CORRECTION,
        title="Correct the update",
        submit="Save",
        close="Cancel",
        private_metadata=ref.model_dump_json(),
        blocks=[
            text_input(
                ProgressField.TEXT,
                "What moved forward?",
                initial=text,
                optional=False,
                max_length=MAX_TEXT,
                hint="The message in the channel is updated; the case timeline keeps both.",
            )
        ],
    )


def progress_fallback(snap: UpdateSnapshot) -> str:
    """Notification text: who, and the start of what they said (or what they ticked)."""
    by = plain_escape(snap.author_name) if snap.author_name else "The team"
    said = snap.text or "; ".join(snap.ticked) or ", ".join(f"#{g.number}" for g in snap.addressed)
    towards = f" (strategy v{snap.version})" if snap.version else ""
    return f"Progress update from {by}{towards}: {fit(said, 300)}"
