"""What commitments say in Slack: the channel message, the list, reminders and notices.

Pure builders over ``bot.flows.commitments.CommitmentView``; the *Done* button carries
the commitment's id, which the flow checks against whoever presses it.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import plain_escape, trim
from bot.flows.commitments import CommitmentView
from bot.ids import Action

SECTION_TEXT = 3000
STATE_LABELS = {
    "open": "open",
    "overdue": ":warning: overdue",
    "kept": ":white_check_mark: done on time",
    "late": ":ballot_box_with_check: done late",
}


def _who(view: CommitmentView) -> str:
    return f"<@{view.owner_user_id}>" if view.owner_user_id else plain_escape(view.owner_name)


def _day(view: CommitmentView) -> str:
    return f"{view.due:%a %d %b}"


def line(view: CommitmentView) -> str:
    """One commitment in one line: number, owner, what, due day and state."""
    links = " · answers " + ", ".join(f"#{n}" for n in view.grievance_numbers)
    internal = " · _internal_" if view.internal else ""
    return (
        f"*#{view.number}* {_who(view)} will {plain_escape(view.text)} by *{_day(view)}* "
        f"— {STATE_LABELS[view.state]}{links if view.grievance_numbers else ''}{internal}"
    )


def _done_button(view: CommitmentView) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="Done", action_id=Action.COMMITMENT_DONE, value=str(view.id), style="primary"
            )
        ]
    )


def message_text(view: CommitmentView) -> str:
    """The notification text of the commitment's channel message."""
    return f"Commitment #{view.number}: {view.owner_name} will {view.text} by {_day(view)}"


def message_blocks(view: CommitmentView) -> list[Block]:
    """The commitment's message in the case's channel; *Done* while it is open."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=trim(f":handshake: {line(view)}", SECTION_TEXT))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Its owner or a lead marks it done: the button, or "
                    f"`/grievance commit done {view.number} [note]`."
                )
            ]
        ),
    ]
    if view.state in ("open", "overdue"):
        blocks.append(_done_button(view))
    return blocks


def listing_text(client_name: str, views: Sequence[CommitmentView]) -> str:
    """``/grievance commit`` alone: every commitment the reader may see."""
    if not views:
        return (
            f"No commitments on the {plain_escape(client_name)} case yet. "
            "`/grievance commit @owner friday <what>` records one."
        )
    lines = "\n".join(f"• {line(v)}" for v in views)
    return trim(f"*Commitments on the {plain_escape(client_name)} case*\n{lines}", SECTION_TEXT)


def made_text(view: CommitmentView, *, posted: bool) -> str:
    """What the person who recorded it is told."""
    where = "posted in the channel" if posted else "kept from the client side (internal)"
    return f"Recorded commitment #{view.number}, {where}: {line(view)}"


def assigned_text(view: CommitmentView, author_name: str) -> str:
    """The owner's DM when someone else recorded their commitment."""
    return (
        f"{plain_escape(author_name)} recorded a commitment for you on the "
        f"{plain_escape(view.client_name)} case: {line(view)}"
    )


def reminder_text(view: CommitmentView, *, on_the_day: bool) -> str:
    """The owner's reminder, the working day before and on the due day."""
    when = "today" if on_the_day else f"on {_day(view)}"
    return (
        f":alarm_clock: Commitment #{view.number} on the {plain_escape(view.client_name)} "
        f"case is due {when}: {plain_escape(view.text)}"
    )


def overdue_text(view: CommitmentView) -> str:
    """Told once, to the owner and the leads, the day after it fell due."""
    return (
        f":warning: Commitment #{view.number} on the {plain_escape(view.client_name)} case "
        f"is overdue (due {_day(view)}): {_who(view)} will {plain_escape(view.text)}"
    )


def with_done_button(text: str, view: CommitmentView) -> list[Block]:
    """A reminder or notice with the *Done* button, while the commitment is open."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=trim(text, SECTION_TEXT)))]
    if view.state in ("open", "overdue"):
        blocks.append(_done_button(view))
    return blocks


def done_text(view: CommitmentView, by_name: str) -> str:
    """Who marked it done, and whether on time."""
    note = f" — “{plain_escape(view.done_note)}”" if view.done_note else ""
    timing = "on time" if view.state == "kept" else "late"
    return (
        f"Commitment #{view.number} on the {plain_escape(view.client_name)} case was done "
        f"{timing} by {plain_escape(by_name)}: {plain_escape(view.text)}{note}"
    )
