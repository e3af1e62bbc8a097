"""The grievance message (its thread root), the reporter's acknowledgement, and friends,
rendered from a ``GrievanceView`` (``bot.playbook.grievances.view``), never a database row."""

from __future__ import annotations

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
from bot.playbook.grievances import SEVERITY_LABELS
from bot.views import GrievanceView
from bot.vocabulary import Status

#: Room left in a 3,000-character section for the "read all" note.
SHOWN_TEXT = 2_800
STATUS_LABELS = {
    Status.OPEN: "Open",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.ADDRESSING: "Being addressed",
    Status.RESOLVED: "Resolved",
    Status.WITHDRAWN: "Withdrawn",
}
_NEXT_STEPS = {
    Status.OPEN: (Status.ACKNOWLEDGED, Status.ADDRESSING, Status.RESOLVED, Status.WITHDRAWN),
    Status.ACKNOWLEDGED: (Status.ADDRESSING, Status.RESOLVED, Status.WITHDRAWN),
    Status.ADDRESSING: (Status.RESOLVED, Status.WITHDRAWN),
}
_BUTTON_LABELS = {
    Status.ACKNOWLEDGED: "Acknowledge",
    Status.ADDRESSING: "We're on it",
    Status.RESOLVED: "Resolved",
    Status.WITHDRAWN: "Withdraw",
}


def severity_label(severity: int) -> str:
    """``3 · serious`` style label."""
    return f"{severity} · {SEVERITY_LABELS.get(severity, '?')}"


def summary_line(grievance: GrievanceView) -> str:
    """The one-line facts of a grievance: who, side, category, severity, status."""
    return (
        f"Raised by *{plain_escape(grievance.raised_by)}* ({grievance.side.value} side) · "
        f"{grievance.category.value} · severity {severity_label(grievance.severity)} · "
        f"*{STATUS_LABELS[grievance.status]}*"
        + (" · :alarm_clock: missed its response target" if grievance.target_missed else "")
    )


def text_section(grievance: GrievanceView) -> list[Block]:
    """The grievance text, shortened to fit a section, with a way to read it all."""
    text = plain_escape(grievance.text)
    if len(text) <= SHOWN_TEXT:
        return [SectionBlock(text=MarkdownTextObject(text=text))]
    return [
        SectionBlock(
            text=MarkdownTextObject(text=trim(text, SHOWN_TEXT)),
            accessory=ButtonElement(
                text="Read it all", action_id=Action.READ_ALL, value=str(grievance.id)
            ),
        )
    ]


def status_buttons(grievance: GrievanceView) -> list[Block]:
    """Buttons for the moves still open to the grievance (none once it is final)."""
    steps = _NEXT_STEPS.get(grievance.status, ())
    if not steps:
        return []
    buttons = [
        ButtonElement(
            text=_BUTTON_LABELS[step],
            action_id=f"{Action.SET_STATUS}:{step.value}",
            value=f"{grievance.id}:{step.value}",
            style="primary" if step is Status.RESOLVED else None,
        )
        for step in steps
    ]
    return [ActionsBlock(block_id=f"status-{grievance.id}", elements=buttons)]


def grievance_message(grievance: GrievanceView) -> list[Block]:
    """The channel message that stands for a grievance; replies in its thread are kept."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f":speech_balloon: *Grievance #{grievance.number}*")
        ),
        ContextBlock(elements=[MarkdownTextObject(text=summary_line(grievance))]),
        *text_section(grievance),
    ]
    if grievance.source_permalink:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"<{grievance.source_permalink}|Original message>")
                ]
            )
        )
    blocks.extend(status_buttons(grievance))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Reply in this thread: everything said here is kept with the grievance."
                )
            ]
        )
    )
    return blocks


def confidential_placeholder(grievance: GrievanceView) -> list[Block]:
    """What stays in the channel when a posted grievance is made confidential."""
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f":lock: *Grievance #{grievance.number}* was made confidential; "
                "only the case leads can see it now."
            )
        )
    ]


def grievance_fallback(grievance: GrievanceView) -> str:
    """Notification text for the grievance message."""
    return f"Grievance #{grievance.number}: {fit(grievance.text, 150)}"


def acknowledgement(grievance: GrievanceView, *, posted: bool) -> list[Block]:
    """What the reporter sees at once: thanks, where it went, and a way to add detail."""
    if grievance.confidential:
        where = (
            "It is confidential: it was not posted in the channel, and only the case leads see it."
        )
    elif posted:
        where = "I've posted it in this channel; its thread is where we talk it through."
    else:
        where = "It is safely recorded; I couldn't post it in the channel yet."
    thanks = (
        f"Thank you for telling us. I've filed this as *grievance #{grievance.number}*. "
        f"{where} I'll let you know each time its status changes. Could you tell us a "
        "little more: what matters most to you here, and how would you know it's fixed?"
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=thanks)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Add detail",
                    action_id=Action.ADD_DETAIL,
                    value=str(grievance.id),
                    style="primary",
                )
            ]
        ),
    ]


def acknowledgement_text(grievance: GrievanceView) -> str:
    """Fallback text of the acknowledgement."""
    return f"Thank you. Filed as grievance #{grievance.number}."


#: What the raiser hears when their grievance moves, after 'grievance #N ("…") '.
STATUS_NEWS = {
    Status.ACKNOWLEDGED: "was acknowledged by {by}: the team has seen it and will take it on.",
    Status.ADDRESSING: "is being worked on: {by} marked it as being addressed.",
    Status.RESOLVED: "was marked resolved by {by}. If it doesn't feel resolved to you, "
    "reply in its thread and we'll pick it up again.",
    Status.WITHDRAWN: "was withdrawn by {by}. If you still want it looked at, reply in its thread.",
}


def status_notice(grievance: GrievanceView, new: Status, by: str) -> str:
    """The DM to the person who raised a grievance each time its status changes (the
    acknowledgement promises it)."""
    quoted = fit(grievance.text, 120)
    opening = "Good news: your" if new is Status.RESOLVED else "Your"
    news = STATUS_NEWS[new].format(by=plain_escape(by))
    return f'{opening} grievance #{grievance.number} ("{quoted}") {news}'
