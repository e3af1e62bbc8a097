"""Helpers for the capture tests: what the database holds, what the emulated Slack
shows people, the open modal and its inputs, and quick capture.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message, View
from storage.models import Case, Grievance


def _grievances(stack: SandboxStack) -> list[Grievance]:
    """Every grievance, oldest first, with its case and raiser loaded."""
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(Grievance)
                .options(selectinload(Grievance.case), selectinload(Grievance.raised_by))
                .order_by(Grievance.id)
            )
        )


def _cases(stack: SandboxStack) -> list[Case]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def _posts(stack: SandboxStack, channel: str) -> list[Message]:
    """What the bot posted in ``channel``, oldest first."""
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _shown(item: Message | Ephemeral) -> str:
    """Everything a person can read in a message: its text and its blocks."""
    return item.text + "\n" + json.dumps(item.blocks, ensure_ascii=False)


def _ephemerals_for(stack: SandboxStack, user: str) -> list[Ephemeral]:
    return [e for e in stack.workspace.ephemerals if e.user == user]


def _failed_calls(stack: SandboxStack) -> list[tuple[str, str | None]]:
    return [(c.method, c.error) for c in stack.workspace.calls if c.error]


def _modal(stack: SandboxStack, user: str) -> View:
    modals = stack.workspace.modal_stack(user)
    assert modals, f"{user} has no modal open"
    return modals[-1]


def _input(view: View, block_id: str) -> dict[str, Any]:
    """The element of the input block ``block_id``."""
    for block in view.payload["blocks"]:
        if block.get("block_id") == block_id and block.get("type") == "input":
            return dict(block["element"])
    raise AssertionError(f"the modal has no input {block_id!r}")


def _file(stack: SandboxStack, user: str, channel: str, text: str) -> Grievance:
    """Quick-capture a grievance and return it as stored."""
    delivery = stack.slack.slash_command(user, channel, text)
    assert delivery.status == 200
    stack.settle()
    return _grievances(stack)[-1]
