"""Helpers for the strategy tests: filing, roles, the strategy form, reactions, votes
and what the emulated Slack and the database show afterwards.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.ids import Callback, StrategyField
from bot.playbook.people import Profile, ensure_person, find_person
from bot.playbook.stakeholders import set_role
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, View
from storage.models import Case, Grievance, Role, Side, Strategy, TimelineEntry, Vote, VoteKind
from tests.conftest import shown

CHANNEL = "CACME"


def _file(stack: SandboxStack, user: str, text: str, **columns: Any) -> int:
    """File a grievance by quick capture, then set columns directly; returns its id."""
    delivery = stack.slack.slash_command(user, CHANNEL, text)
    assert delivery.status == 200, delivery.body
    stack.settle()
    with stack.db.transaction() as session:
        grievance = session.scalars(select(Grievance).order_by(Grievance.id.desc())).first()
        assert grievance is not None
        for name, value in columns.items():
            setattr(grievance, name, value)
        return grievance.id


def _role(stack: SandboxStack, user_id: str, role: Role, *, name: str | None = None) -> None:
    """Ana (the lead) gives ``user_id`` a role, meeting them first if needed."""
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ana = find_person(session=session, workspace=case.workspace, user_id="UANA")
        assert ana is not None
        person = find_person(
            session=session, workspace=case.workspace, user_id=user_id
        ) or ensure_person(
            session=session,
            workspace=case.workspace,
            profile=Profile(
                user_id=user_id,
                display_name=name or user_id[1:].lower(),
                external=role.side is Side.CLIENT,
            ),
        )
        set_role(session=session, case=case, actor=ana, person=person, role=role)


def _modal(stack: SandboxStack, user: str) -> View:
    modals = stack.workspace.modal_stack(user)
    assert modals, f"{user} has no modal open"
    return modals[-1]


def _input(view: View, block_id: str) -> dict[str, Any]:
    for block in view.payload["blocks"]:
        if block.get("block_id") == block_id and block.get("type") == "input":
            return dict(block["element"])
    raise AssertionError(f"the modal has no input {block_id!r}")


def _open_form(stack: SandboxStack, user: str = "UANA") -> View:
    delivery = stack.slack.slash_command(user, CHANNEL, "strategy")
    assert delivery.status == 200, delivery.body
    stack.settle()  # the form opens after the acknowledgement
    view = _modal(stack, user)
    assert view.payload["callback_id"] == Callback.STRATEGY_MODAL
    return view


def _propose(stack: SandboxStack, answers: dict[str, object], user: str = "UANA") -> Message:
    """Open the form, submit ``answers``, and return the posted strategy message."""
    view = _open_form(stack, user)
    delivery = stack.slack.submit_view(user, view.id, answers)
    assert delivery.status == 200 and not delivery.body.strip(), delivery.body
    assert not stack.workspace.modal_stack(user)
    stack.settle()
    return _strategy_posts(stack)[-1]


def _strategy_posts(stack: SandboxStack) -> list[Message]:
    return [
        m
        for m in stack.workspace.messages
        if m.channel == CHANNEL and m.bot_id and m.text.startswith("Strategy v")
    ]


def _shown(message: Message) -> str:
    return message.text + "\n" + json.dumps(message.blocks, ensure_ascii=False)


def _current(stack: SandboxStack, message: Message) -> Message:
    found = stack.workspace.find_message(message.channel, message.ts)
    assert found is not None
    return found


def _react(
    stack: SandboxStack, user: str, message: Message, name: str, *, add: bool = True
) -> None:
    delivery = (stack.slack.react if add else stack.slack.unreact)(
        user, message.channel, message.ts, name
    )
    assert delivery is not None and delivery.status == 200
    stack.settle()


def _votes(stack: SandboxStack, version: int = 1) -> dict[str, VoteKind]:
    with stack.db.transaction() as session:
        rows = session.execute(
            select(Vote)
            .join(Strategy, Strategy.id == Vote.strategy_id)
            .where(Strategy.version == version)
        ).scalars()
        return {v.person.slack_user_id or "": v.kind for v in rows}


def _kinds(stack: SandboxStack) -> list[str]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(TimelineEntry.kind).order_by(TimelineEntry.id)))


def _entries(stack: SandboxStack, kind: str) -> list[str]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(TimelineEntry.text)
                .where(TimelineEntry.kind == kind)
                .order_by(TimelineEntry.id)
            )
        )


def _strategy(stack: SandboxStack, version: int = 1) -> Strategy:
    with stack.db.transaction() as session:
        return session.scalars(select(Strategy).where(Strategy.version == version)).one()


def _announcements(stack: SandboxStack) -> list[Message]:
    return [m for m in stack.workspace.messages if m.bot_id and "Buy-in reached" in m.text]


def _answer(stack: SandboxStack, user: str, command: str) -> str:
    """What a slash command answers, its text and blocks readable (no ``\\u`` escapes)."""
    return shown(stack, user, CHANNEL, command)


def _status(stack: SandboxStack, user: str = "UBEN") -> str:
    return _answer(stack, user, "strategy status")


def _buyin_case(stack: SandboxStack) -> Message:
    """A case with one grievance, Carla as client leader, Ana as lead, and v1 posted."""
    _file(stack, "UANA", "The invoice export broke twice this month")
    _role(stack, "UCARLA", Role.CLIENT_LEADER, name="carla")
    return _propose(stack, {StrategyField.SUMMARY: "Stabilise the export first"})
