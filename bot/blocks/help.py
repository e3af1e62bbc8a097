"""The help message for ``/grievance``."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.playbook.commands import SUBCOMMANDS

INTRO = (
    "grievance-bot helps your team listen to an unhappy client, agree a recovery plan "
    "with them, and keep in touch while it is carried out."
)


def help_blocks() -> list[Block]:
    """Usage of every subcommand."""
    lines = [f"`{usage.syntax}` — {usage.summary}" for usage in SUBCOMMANDS]
    return [
        HeaderBlock(text="How to use /grievance"),
        SectionBlock(text=MarkdownTextObject(text=INTRO)),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(elements=[MarkdownTextObject(text="Only you can see this message.")]),
    ]


def help_text() -> str:
    """The plain-text fallback Slack shows in notifications."""
    return "How to use /grievance: " + "; ".join(u.syntax for u in SUBCOMMANDS)
