"""A case seen from both sides, for the web view tests."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ids import Field
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message

CHANNEL = "CACME"
PUBLIC = "Deadlines keep slipping on the billing work"
CONFIDENTIAL = "Ben talks over our engineers in every call"
REPLY = "We are moving two people onto billing this week"


@dataclass(frozen=True)
class Seeded:
    """The numbers of what ``seed`` filed."""

    case_id: int
    public: int
    confidential: int


def _quick(stack: SandboxStack, user: str, text: str) -> Message:
    stack.slack.slash_command(user, CHANNEL, text)
    stack.settle()
    return [m for m in stack.workspace.messages if m.channel == CHANNEL and m.bot_id][-1]


def seed(stack: SandboxStack) -> Seeded:
    """Ana leads the case; Carla (client side) files a grievance that Ben answers in its
    thread, and a confidential one through the form."""
    _quick(stack, "UANA", "The invoice export broke twice this month")
    _quick(stack, "UANA", "lead me")
    root = _quick(stack, "UCARLA", PUBLIC)
    stack.slack.post_message("UBEN", CHANNEL, REPLY, thread_ts=root.ts)
    stack.settle()
    stack.slack.slash_command("UCARLA", CHANNEL, "new")
    stack.settle()
    (form,) = stack.workspace.modal_stack("UCARLA")
    answers = {Field.TEXT: CONFIDENTIAL, Field.CONFIDENTIAL: ["confidential"], Field.SEVERITY: "3"}
    assert stack.slack.submit_view("UCARLA", form.id, answers).status == 200
    stack.settle()
    return Seeded(case_id=1, public=2, confidential=3)
