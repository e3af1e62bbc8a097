"""Helpers for the interview tests: opening the case, running ``/grievance`` commands,
the DMs, forms and buttons people see, and the interviews and timeline stored.

Ana opens the case by filing a grievance in #acme-recovery, so she is its lead; Carla
(Slack Connect) and Dev (guest) are the client side, Ben the team side.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message, View
from storage.models import Interview, TimelineEntry
from tests.conftest import shown

CARLA = "<@UCARLA|carla>"
BEN = "<@UBEN|ben>"
DEV = "<@UDEV|dev>"


def _open_case(stack: SandboxStack) -> None:
    """Ana files the first grievance in #acme-recovery: she leads the case."""
    stack.slack.slash_command("UANA", "CACME", "The invoice export broke again")
    stack.settle()


def _command(stack: SandboxStack, user: str, text: str) -> str:
    """Run ``/grievance <text>`` in #acme-recovery; what the user sees in answer."""
    return shown(stack, user, "CACME", text)


def _ephemerals(stack: SandboxStack, user: str) -> list[Ephemeral]:
    return [e for e in stack.workspace.ephemerals if e.user == user]


def _shown(item: Message | Ephemeral) -> str:
    return item.text + "\n" + json.dumps(item.blocks, ensure_ascii=False)


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    """What the bot posted in its DM with ``user``, oldest first."""
    channel = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _interviews(stack: SandboxStack) -> dict[str, Interview]:
    """Interviews by the person's Slack id, answers loaded."""
    with stack.db.transaction() as session:
        found = session.scalars(
            select(Interview).options(
                selectinload(Interview.answers), selectinload(Interview.person)
            )
        ).all()
        return {i.person.slack_user_id or "": i for i in found}


def _timeline(stack: SandboxStack, kind: str) -> list[str]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(TimelineEntry.text)
                .where(TimelineEntry.kind == kind)
                .order_by(TimelineEntry.id)
            )
        )


def _buttons(message: Message) -> list[str]:
    return [
        e["text"]["text"]
        for b in message.blocks
        if b["type"] == "actions"
        for e in b.get("elements", [])
    ]


def _modal(stack: SandboxStack, user: str) -> View:
    modals = stack.workspace.modal_stack(user)
    assert modals, f"{user} has no modal open"
    return modals[-1]


def _labels(view: View) -> list[str]:
    return [
        b["label"]["text"]
        for b in view.payload["blocks"]
        if b["type"] == "input" and b["block_id"].startswith("interview_answer:")
    ]


def _open_interview(stack: SandboxStack, user: str) -> View:
    """The person presses the button of their invitation DM."""
    dm = _dms(stack, user)[0]
    stack.slack.click(user, "interview_open", message=(dm.channel, dm.ts))
    stack.settle()
    return _modal(stack, user)


def _failed_calls(stack: SandboxStack) -> list[tuple[str, str | None]]:
    return [(c.method, c.error) for c in stack.workspace.calls if c.error]


def _invited_at(stack: SandboxStack, user: str) -> datetime:
    invited = _interviews(stack)[user].invited_at
    return invited if invited.tzinfo else invited.replace(tzinfo=UTC)
