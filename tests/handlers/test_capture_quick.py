"""Capturing grievances by quick text: the first grievance opens the case, each channel
numbers its own, the reporter's side, and adding detail to what was filed.

Everything goes through signed requests to the real endpoint; assertions look at what the
emulated Slack shows people and at what the database holds.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.sandbox.stack import SandboxStack
from storage.models import Category, Grievance, Side, Status, TimelineEntry
from tests.conftest import shown
from tests.handlers.capture_helpers import (
    _cases,
    _failed_calls,
    _file,
    _grievances,
    _input,
    _modal,
    _posts,
    _shown,
)

# ---- quick capture --------------------------------------------------------------------


def test_quick_capture_commits_before_answering_then_posts_the_thread_root(
    stack: SandboxStack,
) -> None:
    text = "The nightly build has been red for a week and nobody answers"
    delivery = stack.slack.slash_command("UANA", "CACME", text)

    # The answer is back: the grievance must already be on disk, before any settling.
    assert delivery.status == 200
    with stack.db.transaction() as session:
        stored = session.scalars(select(Grievance)).all()
        assert [(g.number, g.text, g.status) for g in stored] == [(1, text, Status.OPEN)]
    answer = delivery.json or {}
    assert "grievance #1" in json.dumps(answer["blocks"])
    buttons = [e for b in answer["blocks"] if b["type"] == "actions" for e in b.get("elements", [])]
    assert [b["action_id"] for b in buttons] == ["grievance_add_detail"]

    stack.settle()
    [post] = _posts(stack, "CACME")
    shown = _shown(post)
    for fact in ("Grievance #1", "*ana*", "team side", "other", "2 · moderate", text):
        assert fact in shown, fact
    [grievance] = _grievances(stack)
    assert (grievance.slack_channel, grievance.slack_ts) == ("CACME", post.ts)
    assert grievance.side is Side.TEAM
    assert grievance.raised_by is not None and grievance.raised_by.slack_user_id == "UANA"

    # The acknowledgement is private to the reporter and empathetic.
    [ack] = stack.workspace.ephemerals
    assert ack.user == "UANA" and ack.channel == "CACME"
    assert "Thank you for telling us" in _shown(ack)
    assert _failed_calls(stack) == []


def test_first_grievance_opens_the_case_named_after_the_channel_until_renamed(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "CACME", "Invoices arrive two months late")
    [case] = _cases(stack)
    assert (case.channel_id, case.client_name, case.named) == ("CACME", "acme-recovery", False)

    renamed = shown(stack, "UANA", "CACME", "case rename   Acme   Corp ")
    assert "Acme Corp" in renamed
    second = _file(stack, "UBEN", "CACME", "The staging server is down again")

    [case] = _cases(stack)
    assert (case.client_name, case.named) == ("Acme Corp", True)
    assert second.number == 2 and second.case_id == case.id
    with stack.db.transaction() as session:
        kinds = session.scalars(
            select(TimelineEntry.kind).where(TimelineEntry.case_id == case.id)
        ).all()
    assert kinds.count("case_opened") == 1 and "case_renamed" in kinds


def test_each_channel_has_its_own_case_and_numbering(stack: SandboxStack) -> None:
    _file(stack, "UANA", "CACME", "The demo crashed in front of the board")
    _file(stack, "UANA", "CACME", "Release notes were missing")
    internal = _file(stack, "UBEN", "CINTERNAL", "We keep being pulled onto other projects")
    assert internal.number == 1
    assert [c.channel_id for c in _cases(stack)] == ["CACME", "CINTERNAL"]
    assert [p.text.split(":")[0] for p in _posts(stack, "CACME")] == [
        "Grievance #1",
        "Grievance #2",
    ]


def test_case_in_a_private_channel_is_named_after_the_channel(stack: SandboxStack) -> None:
    _file(stack, "UANA", "CINTERNAL", "Nobody reviews our pull requests")
    [case] = _cases(stack)
    assert case.client_name == "delivery-internal"


def test_external_and_guest_reporters_file_on_the_client_side(stack: SandboxStack) -> None:
    carla = _file(stack, "UCARLA", "CACME", "Still no answer about the invoice")
    dev = _file(stack, "UDEV", "CACME", "The VPN instructions are wrong")
    assert (carla.side, dev.side) == (Side.CLIENT, Side.CLIENT)
    assert "client side" in _shown(_posts(stack, "CACME")[0])


def test_add_detail_opens_the_modal_and_updates_the_grievance_in_place(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "CACME", "Deploys keep breaking the login page")
    [ack] = stack.workspace.ephemerals
    stack.slack.click("UANA", "grievance_add_detail", ephemeral=ack)
    stack.settle()

    modal = _modal(stack, "UANA")
    assert _input(modal, "text")["initial_value"] == "Deploys keep breaking the login page"
    stack.slack.submit_view(
        "UANA",
        modal.id,
        {
            "category": "quality",
            "severity": "4",
            "cares_about": "Customers can always log in",
            "success_measure": "No login incidents for a month",
        },
    )
    stack.settle()

    assert stack.workspace.modal_stack("UANA") == []
    [grievance] = _grievances(stack)
    assert (grievance.category, grievance.severity) == (Category.QUALITY, 4)
    assert grievance.cares_about == "Customers can always log in"
    assert grievance.success_measure == "No login incidents for a month"
    [post] = _posts(stack, "CACME")  # updated, not posted again
    assert post.ts == grievance.slack_ts
    assert "quality" in _shown(post) and "4 · critical" in _shown(post)
    assert [c.params.get("ts") for c in stack.workspace.calls_to("chat.update")] == [post.ts]
    assert _failed_calls(stack) == []
