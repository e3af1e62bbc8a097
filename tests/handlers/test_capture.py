"""Capturing grievances: quick text, the modal, the message shortcut, and bad input.

Everything goes through signed requests to the real endpoint; assertions look at what the
emulated Slack shows people and at what the database holds.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.form_seal import FormSeal
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message, View
from storage.models import Case, CaseLead, Category, Grievance, Side, Status, TimelineEntry
from tests.conftest import shown

LONG_TEXT_LIMIT = 3000
_UNDEFUSED_BROADCAST = re.compile(r"<!(channel|here|everyone)|(?<!\u200b)@(channel|here|everyone)")


# ---- helpers --------------------------------------------------------------------------


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
