"""Capturing grievances from bad input: long text, broadcasts, channels the bot is not in,
DMs, failed posts, subcommand-like words, and forms the bot can no longer read.

Everything goes through signed requests to the real endpoint; assertions look at what the
emulated Slack shows people and at what the database holds.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.form_seal import FormSeal
from bot.sandbox.stack import SandboxStack
from storage.models import CaseLead, Grievance
from tests.handlers.capture_helpers import (
    _cases,
    _ephemerals_for,
    _failed_calls,
    _file,
    _grievances,
    _modal,
    _posts,
    _shown,
)

LONG_TEXT_LIMIT = 3000
_UNDEFUSED_BROADCAST = re.compile(r"<!(channel|here|everyone)|(?<!\u200b)@(channel|here|everyone)")


# ---- bad input ------------------------------------------------------------------------


def test_long_text_is_stored_whole_and_shown_shortened_with_read_it_all(
    stack: SandboxStack,
) -> None:
    words = [f"word{i}" for i in range(900)]
    text = " ".join(words)  # about 7,000 characters
    grievance = _file(stack, "UANA", "CACME", text)
    assert grievance.text == text

    [post] = _posts(stack, "CACME")
    sections = [b for b in post.blocks if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= LONG_TEXT_LIMIT for b in sections)
    assert words[-1] not in _shown(post)
    stack.slack.click("UBEN", "grievance_read_all", message=("CACME", post.ts))
    stack.settle()
    modal = _modal(stack, "UBEN")
    full = "".join(b["text"]["text"] for b in modal.payload["blocks"] if b["type"] == "section")
    assert full == text
    assert _failed_calls(stack) == []


def test_adding_detail_to_a_long_grievance_keeps_its_whole_text(stack: SandboxStack) -> None:
    text = ("The export drops rows again. " * 180).strip()
    _file(stack, "UANA", "CACME", text)
    stack.slack.click("UANA", "grievance_add_detail", ephemeral=_ephemerals_for(stack, "UANA")[0])
    stack.settle()
    stack.slack.submit_view("UANA", _modal(stack, "UANA").id, {"cares_about": "Being heard"})
    stack.settle()
    [grievance] = _grievances(stack)
    assert (grievance.text, grievance.cares_about) == (text, "Being heard")
    assert _failed_calls(stack) == []


@pytest.mark.parametrize(
    "text",
    [
        "Fix it now <!channel> and <!here|here> <!everyone>",
        "Fix it now @channel, @here and @everyone!",
        "Fix it now <!channel|@channel> & <@UBEN|ben> <https://evil.example|click>",
    ],
)
def test_broadcasts_in_user_text_never_ping(stack: SandboxStack, text: str) -> None:
    grievance = _file(stack, "UCARLA", "CACME", text)
    assert grievance.text == stack.slack.escape_mentions(text)  # stored as Slack sent it
    [post] = _posts(stack, "CACME")
    for seen in (_shown(post), *(_shown(e) for e in stack.workspace.ephemerals)):
        assert not _UNDEFUSED_BROADCAST.search(seen), seen
        assert "<@UBEN" not in seen and "<https://evil" not in seen
    assert "Fix it now" in _shown(post)


def test_channel_the_bot_is_not_in_keeps_the_grievance_and_tells_how_to_invite(
    stack: SandboxStack,
) -> None:
    delivery = stack.slack.slash_command("UANA", "CLOBBY", "The client is cross again")
    stack.settle()
    assert delivery.status == 200 and "grievance #1" in delivery.body
    [grievance] = _grievances(stack)
    assert grievance.text == "The client is cross again"
    told = [e.text for e in _ephemerals_for(stack, "UANA")]
    assert any("/invite" in text and "don't file it again" in text for text in told), told
    stack.slack.slash_command("UANA", "CLOBBY", "new")
    stack.settle()
    assert stack.workspace.modal_stack("UANA") == []
    assert "/invite" in _ephemerals_for(stack, "UANA")[-1].text
    assert _posts(stack, "CLOBBY") == []


def test_grievance_typed_in_a_dm_is_never_filed_without_a_case(stack: SandboxStack) -> None:
    dm = stack.workspace.dm_channel_for("UANA").id
    delivery = stack.slack.slash_command("UANA", dm, "Our client is unhappy with the pace")
    stack.settle()
    assert delivery.status == 200
    answered = _ephemerals_for(stack, "UANA") or stack.workspace.modal_stack("UANA")
    assert answered, "the user got neither a message nor a modal"
    assert _grievances(stack) == []
    assert all(not c.channel_id.startswith("D") for c in _cases(stack))


def test_grievance_typed_in_a_dm_lands_on_the_chosen_case(stack: SandboxStack) -> None:
    _file(stack, "UANA", "CACME", "First grievance, filed in the channel")
    dm = stack.workspace.dm_channel_for("UANA").id
    stack.slack.slash_command("UANA", dm, "Second one, typed in a DM")
    stack.settle()
    modals = stack.workspace.modal_stack("UANA")
    if modals:  # the form asks which case; answering it files there
        stack.slack.submit_view("UANA", modals[-1].id, {"case": "CACME"})
        stack.settle()
    filed = _grievances(stack)
    assert all(g.case.channel_id == "CACME" for g in filed)
    assert all(not c.channel_id.startswith("D") for c in _cases(stack))
    if len(filed) == 2:
        assert filed[1].text == "Second one, typed in a DM"
        assert len(_posts(stack, "CACME")) == 2
    else:
        assert _ephemerals_for(stack, "UANA")[-1].channel == dm


def test_grievance_stays_recorded_when_posting_it_fails(stack: SandboxStack) -> None:
    stack.workspace.inject("chat.postMessage", "restricted_action")
    grievance = _file(stack, "UANA", "CACME", "Nobody answers the support line")
    assert grievance.slack_ts is None and grievance.text == "Nobody answers the support line"
    told = [e.text for e in _ephemerals_for(stack, "UANA")]
    assert any("safely recorded" in t and "restricted_action" in t for t in told)
    assert _posts(stack, "CACME") == []


@pytest.mark.parametrize(
    "text",
    [
        "new release broke the checkout page",
        "case managers never reply to our emails",
        "lead developer was rude to our CTO",
        "history of missed deadlines is getting worse",
    ],
)
def test_grievance_starting_with_a_subcommand_word_is_not_lost(
    stack: SandboxStack, text: str
) -> None:
    stack.slack.slash_command("UANA", "CACME", text)
    stack.settle()
    filed = [g.text for g in _grievances(stack)]
    shown = [_shown(e) for e in stack.workspace.ephemerals]
    prefilled = [
        block["element"].get("initial_value") or ""
        for modal in stack.workspace.modal_stack("UANA")
        for block in modal.payload["blocks"]
        if block.get("block_id") == "text" and "element" in block
    ]
    tail = text.split(" ", 1)[1]
    assert any(tail in t for t in [*filed, *prefilled, *shown])


def test_quick_capture_leaves_the_lead_with_the_team_opener(stack: SandboxStack) -> None:
    _file(stack, "UBEN", "CACME", "Scope keeps changing after sign-off")
    with stack.db.transaction() as session:
        leads = session.scalars(select(CaseLead.person_id)).all()
        assert session.scalar(select(func.count()).select_from(Grievance)) == 1
    [person_id] = leads
    assert _grievances(stack)[0].reporter_id == person_id


def test_a_form_the_bot_can_no_longer_read_asks_to_be_reopened(stack: SandboxStack) -> None:
    stack.slack.slash_command("UANA", "CACME", "new")
    stack.settle()
    modal = _modal(stack, "UANA")
    secret = stack.settings.slack_signing_secret
    assert secret is not None
    older = '{"from": "an older version"}'  # sealed by the bot, but before a deploy
    modal.payload["private_metadata"] = FormSeal(secret.get_secret_value()).seal(older, "UANA")
    delivery = stack.slack.submit_view("UANA", modal.id, {"text": "The demo crashed again"})
    stack.settle()
    assert delivery.status == 200
    assert _modal(stack, "UANA").payload["title"]["text"] == "Form out of date"
    assert _grievances(stack) == []
