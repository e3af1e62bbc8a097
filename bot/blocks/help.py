"""The help message for ``/grievance``."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import plain_escape
from bot.playbook.commands import SUBCOMMANDS, ParsedCommand

INTRO = (
    "grievance-bot helps your team listen to an unhappy client, agree a recovery plan "
    "with them, and keep in touch while it is carried out."
)


def help_blocks(parsed: ParsedCommand | None = None) -> list[Block]:
    """Usage of every subcommand, led by a note when the user typed something unknown."""
    blocks: list[Block] = []
    if parsed is not None and parsed.unknown:
        note = f"I don't know `{plain_escape(parsed.unknown)}`."
        if parsed.suggestion:
            note += f" Did you mean `/grievance {parsed.suggestion}`?"
        else:
            note += " To file a grievance, describe what happened in a sentence."
        blocks.append(SectionBlock(text=MarkdownTextObject(text=note)))
    blocks.append(HeaderBlock(text="How to use /grievance"))
    blocks.append(SectionBlock(text=MarkdownTextObject(text=INTRO)))
    lines = [f"`{usage.syntax}` — {usage.summary}" for usage in SUBCOMMANDS]
    blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines))))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text="Only you can see this message.")])
    )
    return blocks


def help_text() -> str:
    """The plain-text fallback Slack shows in notifications."""
    return "How to use /grievance: " + "; ".join(u.syntax for u in SUBCOMMANDS)
