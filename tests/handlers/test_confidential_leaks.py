"""Leaks the authorization matrix does not reach: lead-only words in shared posts.

A post in the client's channel is drawn again later (a strategy after each vote), so
something made confidential after it was first posted must not be drawn back in.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from bot.ids import Action, Callback, Field, StrategyField
from bot.sandbox.stack import SandboxStack
from storage.models import Grievance, Strategy

CHANNEL = "CACME"
WORRY = "Our finance team escalated the invoice export to the board"


def _command(stack: SandboxStack, user: str, text: str) -> str:
    delivery = stack.slack.slash_command(user, CHANNEL, text)
    assert delivery.status == 200, delivery.body
    stack.settle()
    mine = [e for e in stack.workspace.ephemerals if e.user == user]
    return mine[-1].text + json.dumps(mine[-1].blocks) if mine else ""


def test_a_grievance_made_confidential_drops_out_of_the_strategy_post(
    stack: SandboxStack,
) -> None:
    _command(stack, "UANA", "The release train keeps slipping")  # Ana opens the case
    _command(stack, "UCARLA", WORRY)
    with stack.db.transaction() as session:
        worry = session.scalars(select(Grievance).where(Grievance.number == 2)).one()
        worry_id = worry.id
    _command(stack, "UANA", "strategy")
    form = stack.workspace.modal_stack("UANA")[-1]
    stack.slack.submit_view(
        "UANA",
        form.id,
        {StrategyField.SUMMARY: "Fix the export first", StrategyField.GRIEVANCES: [str(worry_id)]},
    )
    stack.settle()
    with stack.db.transaction() as session:
        posted = session.scalars(select(Strategy)).one()
        ts = posted.slack_ts
    assert ts is not None
    message = stack.workspace.get_message(CHANNEL, ts)
    assert WORRY[:40] in json.dumps(message.blocks)  # public, so the post names it

    # Carla asks for her grievance to be kept confidential after all.
    thanks = next(e for e in stack.workspace.ephemerals if e.user == "UCARLA")
    stack.slack.click("UCARLA", Action.ADD_DETAIL, ephemeral=thanks)
    stack.settle()
    detail = stack.workspace.modal_stack("UCARLA")[-1]
    assert detail.payload["callback_id"] == Callback.GRIEVANCE_MODAL
    stack.slack.submit_view("UCARLA", detail.id, {Field.CONFIDENTIAL: ["confidential"]})
    stack.settle()

    stack.slack.react("UCARLA", CHANNEL, ts, "+1")  # a vote draws the post again
    stack.settle()
    redrawn = stack.workspace.get_message(CHANNEL, ts)
    assert redrawn.edited
    assert WORRY[:40] not in json.dumps(redrawn.blocks) + redrawn.text
    assert WORRY[:40] not in _command(stack, "UDEV", "strategy status")


def test_a_confidential_grievance_does_not_move_the_health_everyone_sees(
    stack: SandboxStack,
) -> None:
    def status() -> str:  # what Carla reads, without Slack's random block ids
        return re.sub(r'"block_id": "[^"]*"', "", _command(stack, "UCARLA", "status"))

    _command(stack, "UCARLA", WORRY)
    before = status()
    assert "1 open grievance" in before
    stack.slack.slash_command("UANA", CHANNEL, "new")
    stack.settle()
    [modal] = [v for v in stack.workspace.views.values() if v.user == "UANA"]
    stack.slack.submit_view(
        "UANA",
        modal.id,
        {
            "text": "Ben was rude to the client's CFO",
            "severity": "4",
            "confidential": ["confidential"],
        },
    )
    stack.settle()
    with stack.db.transaction() as session:
        filed = session.execute(select(Grievance.severity, Grievance.confidential)).all()
    assert sorted(filed) == [(2, False), (4, True)]
    assert status() == before
