"""Helpers for the check-in tests: opening the case, running ``/grievance`` commands,
scheduling, moving a schedule's cursor, running the scheduler, and reading back what
Slack and the database hold.

Ana opens the case by filing a grievance in #acme-recovery, so she leads it; Ben is on
the team, Carla (Slack Connect) on the client side.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from bot.jobs import checkins as job
from bot.jobs.checkins import ChannelPacer
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, View
from storage.models import CheckinOccurrence, CheckinSchedule, TimelineEntry

CHANNEL = "CACME"
#: Monday 2 March 2026: London is on GMT, so 09:30 local is 09:30 UTC.
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
NO_PACE = ChannelPacer(0)


def _open_case(stack: SandboxStack, channel: str = CHANNEL) -> None:
    stack.slack.slash_command("UANA", channel, "The invoice export broke again")
    stack.settle()


def _command(stack: SandboxStack, user: str, text: str, channel: str = CHANNEL) -> str:
    """Run ``/grievance <text>``; what the user sees in answer."""
    before = len([e for e in stack.workspace.ephemerals if e.user == user])
    delivery = stack.slack.slash_command(user, channel, text)
    assert delivery.status == 200
    stack.settle()
    shown = [e for e in stack.workspace.ephemerals if e.user == user][before:]
    return "\n".join(e.text + "\n" + json.dumps(e.blocks, ensure_ascii=False) for e in shown)


def _schedules(stack: SandboxStack) -> list[CheckinSchedule]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(CheckinSchedule).order_by(CheckinSchedule.id)))


def _occurrences(stack: SandboxStack) -> list[CheckinOccurrence]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(CheckinOccurrence).order_by(
                    CheckinOccurrence.schedule_id, CheckinOccurrence.due_at
                )
            )
        )


def _entries(stack: SandboxStack, kind: str) -> list[str]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(TimelineEntry.text)
                .where(TimelineEntry.kind == kind)
                .order_by(TimelineEntry.id)
            )
        )


def _schedule(stack: SandboxStack, text: str, channel: str = CHANNEL) -> int:
    """Ana schedules a check-in by text; its number."""
    answer = _command(stack, "UANA", f"checkin {text}", channel)
    assert "scheduled" in answer, answer
    return _schedules(stack)[-1].id


def _from(stack: SandboxStack, schedule_id: int, moment: datetime) -> None:
    """Pretend the schedule was created (and last checked) at ``moment``."""
    with stack.db.transaction() as session:
        session.execute(
            update(CheckinSchedule)
            .where(CheckinSchedule.id == schedule_id)
            .values(checked_until=moment, anchor=moment.date())
        )


def _run(stack: SandboxStack, now: datetime, **kwargs: Any) -> int:
    return job.run(stack.db, stack.app.client, now, pacer=kwargs.pop("pacer", NO_PACE))


def _checkins(stack: SandboxStack, channel: str = CHANNEL) -> list[Message]:
    return [
        m
        for m in stack.workspace.messages
        if m.channel == channel and m.bot_id and m.text.startswith("Check-in for")
    ]


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    channel = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _modal(stack: SandboxStack, user: str = "UANA") -> View:
    modals = stack.workspace.modal_stack(user)
    assert modals, f"{user} has no modal open"
    return modals[-1]


def _element(view: View, block_id: str) -> dict[str, Any]:
    for block in view.payload["blocks"]:
        if block.get("block_id") == block_id:
            return dict(block["element"])
    raise AssertionError(f"no input {block_id}")
