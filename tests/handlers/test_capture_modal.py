"""Capturing grievances in the filing modal and by the message shortcut: every detail,
the side and raiser, inline refusals, confidential filing, and the shortcut's prefill.

Everything goes through signed requests to the real endpoint; assertions look at what the
emulated Slack shows people and at what the database holds.
"""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from bot.sandbox.stack import SandboxStack
from storage.models import Category, Side, TimelineEntry
from tests.handlers.capture_helpers import (
    _cases,
    _ephemerals_for,
    _failed_calls,
    _grievances,
    _input,
    _modal,
    _posts,
    _shown,
)

# ---- the modal ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "new", "  NEW  "])
def test_bare_command_or_new_opens_the_filing_modal(stack: SandboxStack, text: str) -> None:
    delivery = stack.slack.slash_command("UANA", "CACME", text)
    stack.settle()
    assert delivery.status == 200
    modal = _modal(stack, "UANA")
    assert modal.payload["callback_id"] == "grievance_modal"
    for block_id in (
        "text",
        "raised_by_user",
        "raised_by_name",
        "side",
        "category",
        "severity",
        "cares_about",
        "success_measure",
        "went_well",
        "confidential",
    ):
        _input(modal, block_id)
    assert _grievances(stack) == []


def test_modal_files_every_detail_and_names_the_client(stack: SandboxStack) -> None:
    stack.slack.slash_command("UANA", "CACME", "")
    stack.settle()
    modal = _modal(stack, "UANA")
    stack.slack.submit_view(
        "UANA",
        modal.id,
        {
            "text": "  The CTO says our estimates are fiction  ",
            "raised_by_name": "Priya Shah",
            "side": "client",
            "category": "timeline",
            "severity": "3",
            "cares_about": "Predictable releases",
            "success_measure": "Dates we hit",
            "went_well": "Weekly demos",
            "client_name": "Acme Corp",
        },
    )
    stack.settle()

    [grievance] = _grievances(stack)
    assert grievance.text == "The CTO says our estimates are fiction"
    assert (grievance.side, grievance.category, grievance.severity) == (
        Side.CLIENT,
        Category.TIMELINE,
        3,
    )
    assert (grievance.cares_about, grievance.success_measure, grievance.went_well) == (
        "Predictable releases",
        "Dates we hit",
        "Weekly demos",
    )
    raiser = grievance.raised_by.display_name if grievance.raised_by else grievance.raised_by_name
    assert raiser == "Priya Shah"
    assert (grievance.case.client_name, grievance.case.named) == ("Acme Corp", True)
    [post] = _posts(stack, "CACME")
    assert "*Priya Shah*" in _shown(post) and "client side" in _shown(post)
    [ack] = _ephemerals_for(stack, "UANA")
    assert "grievance #1" in _shown(ack) and ack.channel == "CACME"
    assert _failed_calls(stack) == []


@pytest.mark.parametrize(
    ("user", "side"), [("UANA", "team"), ("UCARLA", "client"), ("UDEV", "client")]
)
def test_modal_side_defaults_to_client_for_external_and_guest_users(
    stack: SandboxStack, user: str, side: str
) -> None:
    stack.slack.slash_command(user, "CACME", "new")
    stack.settle()
    modal = _modal(stack, user)
    assert "initial_option" not in _input(modal, "side")  # left to whoever raised it
    stack.slack.submit_view(user, modal.id, {"text": "The demo crashed in front of our board"})
    stack.settle()
    assert [g.side.value for g in _grievances(stack)] == [side]


@pytest.mark.parametrize("blank", ["   ", "\n\t \n"])
def test_whitespace_only_text_is_refused_inline_and_the_modal_stays_open(
    stack: SandboxStack, blank: str
) -> None:
    stack.slack.slash_command("UANA", "CACME", "new")
    stack.settle()
    modal = _modal(stack, "UANA")
    stack.slack.submit_view("UANA", modal.id, {"text": blank})
    stack.settle()
    assert _modal(stack, "UANA").id == modal.id
    assert set(modal.errors) == {"text"} and modal.errors["text"]
    assert _grievances(stack) == [] and _cases(stack) == []
    assert _posts(stack, "CACME") == []


def test_modal_raised_by_a_picked_user_records_that_person(stack: SandboxStack) -> None:
    stack.slack.slash_command("UBEN", "CACME", "new")
    stack.settle()
    stack.slack.submit_view(
        "UBEN",
        _modal(stack, "UBEN").id,
        {"text": "Carla says the reports are unreadable", "raised_by_user": "UCARLA"},
    )
    stack.settle()
    [grievance] = _grievances(stack)
    assert grievance.raised_by is not None and grievance.raised_by.slack_user_id == "UCARLA"
    assert "*carla*" in _shown(_posts(stack, "CACME")[0])


def test_modal_grievance_raised_by_an_external_user_is_on_the_client_side(
    stack: SandboxStack,
) -> None:
    stack.slack.slash_command("UBEN", "CACME", "new")
    stack.settle()
    stack.slack.submit_view(
        "UBEN",
        _modal(stack, "UBEN").id,
        {"text": "Carla says the reports are unreadable", "raised_by_user": "UCARLA"},
    )
    stack.settle()
    assert _grievances(stack)[0].side is Side.CLIENT


def test_the_client_is_not_asked_to_name_the_case_and_still_files(
    stack: SandboxStack,
) -> None:
    stack.slack.slash_command("UCARLA", "CACME", "new")
    stack.settle()
    modal = _modal(stack, "UCARLA")
    blocks = [b.get("block_id") for b in modal.payload["blocks"]]
    assert "client_name" not in blocks  # naming the client is the delivery team's call
    delivery = stack.slack.submit_view("UCARLA", modal.id, {"text": "You missed the launch date"})
    stack.settle()
    assert delivery.status == 200
    assert [g.text for g in _grievances(stack)] == ["You missed the launch date"]
    assert [c.client_name for c in _cases(stack)] == ["acme-recovery"]


def test_confidential_grievance_is_not_posted_in_the_channel(stack: SandboxStack) -> None:
    stack.slack.slash_command("UANA", "CACME", "new")
    stack.settle()
    stack.slack.submit_view(
        "UANA",
        _modal(stack, "UANA").id,
        {"text": "Ben was rude to the client's CFO", "confidential": ["confidential"]},
    )
    stack.settle()
    [grievance] = _grievances(stack)
    assert grievance.confidential and grievance.slack_ts is None
    assert all("rude" not in _shown(m) for m in stack.workspace.messages)
    [ack] = _ephemerals_for(stack, "UANA")
    assert "confidential" in _shown(ack).lower()
    assert _ephemerals_for(stack, "UBEN") == []
    with stack.db.transaction() as session:
        filed = session.scalar(select(TimelineEntry).where(TimelineEntry.grievance_id == 1))
        assert filed is not None and filed.confidential


# ---- the message shortcut -------------------------------------------------------------


def test_shortcut_prefills_the_modal_and_keeps_the_permalink(stack: SandboxStack) -> None:
    said = "We were promised a demo on Friday and nobody showed up."
    message, _ = stack.slack.post_message("UCARLA", "CACME", said)
    stack.settle()
    stack.slack.message_shortcut("UANA", "CACME", message.ts, "file_as_grievance")
    stack.settle()

    modal = _modal(stack, "UANA")
    assert _input(modal, "text")["initial_value"] == said
    assert _input(modal, "raised_by_user")["initial_user"] == "UCARLA"
    assert _input(modal, "side")["initial_option"]["value"] == "client"
    stack.slack.submit_view("UANA", modal.id, {"category": "communication"})
    stack.settle()

    [grievance] = _grievances(stack)
    permalink = stack.workspace.permalink("CACME", message.ts)
    assert grievance.source_permalink == permalink
    assert grievance.text == said and grievance.side is Side.CLIENT
    assert grievance.raised_by is not None and grievance.raised_by.slack_user_id == "UCARLA"
    [post] = _posts(stack, "CACME")
    assert permalink in _shown(post)
    assert _failed_calls(stack) == []


def test_a_long_message_filed_by_shortcut_is_kept_whole_without_asking_slack_again(
    stack: SandboxStack,
) -> None:
    said = "The rollout broke our invoicing. " * 200  # over the form's 3,000 characters
    message, _ = stack.slack.post_message("UCARLA", "CACME", said)
    stack.settle()
    stack.slack.message_shortcut("UANA", "CACME", message.ts, "file_as_grievance")
    stack.settle()
    modal = _modal(stack, "UANA")
    for method in ("conversations.replies", "conversations.history", "users.info"):
        stack.workspace.inject_delay(method, 2)  # Slack is slow when the form is sent

    started = time.perf_counter()
    sent = stack.slack.submit_view("UANA", modal.id, {"category": "communication"})
    assert time.perf_counter() - started < 1.0
    assert sent.status == 200
    stack.settle()

    [grievance] = _grievances(stack)
    assert grievance.text == said.strip()


def test_shortcut_in_a_channel_the_bot_is_not_in_files_nothing(stack: SandboxStack) -> None:
    message, _ = stack.slack.post_message("UANA", "CLOBBY", "The client is cross again")
    stack.slack.message_shortcut("UBEN", "CLOBBY", message.ts, "file_as_grievance")
    stack.settle()
    for modal in stack.workspace.modal_stack("UBEN"):
        if modal.payload.get("callback_id") == "grievance_modal":
            stack.slack.submit_view("UBEN", modal.id, {})
            stack.settle()
    assert _grievances(stack) == []
    assert _posts(stack, "CLOBBY") == []
    told = [_shown(e) for e in _ephemerals_for(stack, "UBEN")]
    told += [json.dumps(m.payload) for m in stack.workspace.modal_stack("UBEN")]
    assert any("invite" in t.lower() for t in told)
