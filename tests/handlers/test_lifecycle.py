"""A grievance's lifecycle buttons, and who leads a case."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message, User
from storage.models import CaseLead, Grievance, Status, TimelineEntry
from tests.conftest import shown

LEAD_ME = "/grievance lead me"


def _file(stack: SandboxStack, user: str, text: str, channel: str = "CACME") -> Message:
    """Quick-capture a grievance; its channel message."""
    stack.slack.slash_command(user, channel, text)
    stack.settle()
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id][-1]


def _click(stack: SandboxStack, user: str, post: Message, status: str) -> Delivery:
    delivery = stack.slack.click(
        user, f"grievance_set_status:{status}", message=(post.channel, post.ts)
    )
    stack.settle()
    return delivery


def _click_together(stack: SandboxStack, post: Message, clicks: list[tuple[str, str]]) -> None:
    """Several people click at once."""
    with ThreadPoolExecutor(max_workers=len(clicks)) as pool:
        list(pool.map(lambda click: _click(stack, click[0], post, click[1]), clicks))
    stack.settle()


def _status(stack: SandboxStack, number: int = 1) -> Status:
    with stack.db.transaction() as session:
        found = session.scalar(select(Grievance.status).where(Grievance.number == number))
    assert found is not None
    return found


def _status_changes(stack: SandboxStack) -> list[tuple[str, str | None]]:
    with stack.db.transaction() as session:
        entries = session.scalars(
            select(TimelineEntry)
            .options(selectinload(TimelineEntry.author))
            .where(TimelineEntry.kind == "status_changed")
            .order_by(TimelineEntry.id)
        ).all()
        return [(e.text, e.author.slack_user_id if e.author else None) for e in entries]


def _buttons(post: Message) -> list[str]:
    return [
        element["action_id"].split(":", 1)[1]
        for block in post.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith("grievance_set_status:")
    ]


def _shown(item: Message | Ephemeral) -> str:
    return item.text + "\n" + json.dumps(item.blocks, ensure_ascii=False)


def _ephemerals_for(stack: SandboxStack, user: str) -> list[Ephemeral]:
    return [e for e in stack.workspace.ephemerals if e.user == user]


def _dms_to(stack: SandboxStack, user: str) -> list[Message]:
    dm = f"D{user[1:]}"
    return [m for m in stack.workspace.messages if m.channel == dm and m.bot_id]


def _leads(stack: SandboxStack) -> list[str | None]:
    with stack.db.transaction() as session:
        rows = session.scalars(
            select(CaseLead).options(selectinload(CaseLead.person)).order_by(CaseLead.id)
        ).all()
        return [row.person.slack_user_id for row in rows]


def _failed_calls(stack: SandboxStack) -> list[tuple[str, str | None]]:
    return [(c.method, c.error) for c in stack.workspace.calls if c.error]


# ---- lifecycle ------------------------------------------------------------------------


def test_grievance_moves_open_acknowledged_addressing_resolved_in_place(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "Opening the case so ana leads it")
    post = _file(stack, "UCARLA", "The nightly build has been red for a week")
    assert _buttons(post) == ["acknowledged", "addressing", "resolved", "withdrawn"]
    posts_before = len(stack.workspace.messages)

    _click(stack, "UBEN", post, "acknowledged")  # any team member may acknowledge
    assert _status(stack, 2) is Status.ACKNOWLEDGED
    assert "*Acknowledged*" in _shown(post)
    assert _buttons(post) == ["addressing", "resolved", "withdrawn"]

    _click(stack, "UBEN", post, "addressing")
    assert _status(stack, 2) is Status.ADDRESSING
    assert "*Being addressed*" in _shown(post) and _buttons(post) == ["resolved", "withdrawn"]

    _click(stack, "UANA", post, "resolved")  # the lead
    assert _status(stack, 2) is Status.RESOLVED
    assert "*Resolved*" in _shown(post) and _buttons(post) == []

    assert len(stack.workspace.messages) == posts_before + 1  # only the DM below is new
    updates = stack.workspace.calls_to("chat.update")
    assert [(c.params["channel"], c.params["ts"]) for c in updates] == [("CACME", post.ts)] * 3
    assert _status_changes(stack) == [
        ("#2: open → acknowledged", "UBEN"),
        ("#2: acknowledged → addressing", "UBEN"),
        ("#2: addressing → resolved", "UANA"),
    ]
    # The raiser hears of every move, as her acknowledgement promised.
    # Steps along the way privately where the grievance lives, the end by DM.
    promise, acknowledged, addressing = _ephemerals_for(stack, "UCARLA")
    assert "I'll let you know each time its status changes" in _shown(promise)
    assert acknowledged.channel == "CACME" and "#2" in acknowledged.text
    assert "was acknowledged by ben" in acknowledged.text
    assert "is being worked on: ben marked it" in addressing.text
    [resolved] = _dms_to(stack, "UCARLA")
    assert "#2" in resolved.text and "resolved by ana" in resolved.text
    assert _dms_to(stack, "UANA") == [] and _dms_to(stack, "UBEN") == []
    assert _failed_calls(stack) == []


def test_refusals_are_told_privately_and_change_nothing(stack: SandboxStack) -> None:
    _file(stack, "UANA", "Opening the case so ana leads it")
    post = _file(stack, "UCARLA", "Reports arrive without the numbers we asked for")
    seen_before = {u: len(_ephemerals_for(stack, u)) for u in ("UANA", "UBEN", "UCARLA", "UDEV")}

    _click_together(
        stack,
        post,
        [
            ("UCARLA", "acknowledged"),  # the client side doesn't acknowledge
            ("UBEN", "resolved"),  # neither the raiser nor a lead
            ("UDEV", "withdrawn"),  # a guest who didn't raise it
        ],
    )

    assert _status(stack, 2) is Status.OPEN and "*Open*" in _shown(post)
    assert stack.workspace.calls_to("chat.update") == []
    assert _status_changes(stack) == []
    told = {u: _ephemerals_for(stack, u)[seen_before[u] :] for u in seen_before}
    assert [e.channel for e in told["UCARLA"]] == ["CACME"]
    assert "delivery team" in told["UCARLA"][0].text
    [ben] = told["UBEN"]
    assert "Only the person who raised grievance #2 or a case lead" in ben.text
    assert "resolved" in ben.text
    [dev] = told["UDEV"]
    assert "Only the person who raised grievance #2 or a case lead" in dev.text
    assert "withdrawn" in dev.text
    assert told["UANA"] == []

    _click(stack, "UCARLA", post, "resolved")  # the raiser herself may
    assert _status(stack, 2) is Status.RESOLVED and _buttons(post) == []
    assert _dms_to(stack, "UCARLA") == []  # nobody to tell: she did it
    assert _status_changes(stack) == [("#2: open → resolved", "UCARLA")]


def test_a_refused_click_is_still_acknowledged_in_time(stack: SandboxStack) -> None:
    _file(stack, "UANA", "Opening the case so ana leads it")
    post = _file(stack, "UCARLA", "Nobody answers our emails")
    delivery = _click(stack, "UCARLA", post, "acknowledged")
    assert "delivery team" in _ephemerals_for(stack, "UCARLA")[-1].text
    assert delivery.status == 200


def test_a_forged_status_value_is_refused_privately_and_changes_nothing(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "Opening the case so ana leads it")
    post = _file(stack, "UCARLA", "Nobody answers our emails")
    [grievance_id] = {
        element["value"].partition(":")[0]
        for block in post.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith("grievance_set_status:")
    }
    seen_before = len(_ephemerals_for(stack, "UANA"))
    delivery = stack.slack.click(
        "UANA",
        "grievance_set_status:acknowledged",
        message=(post.channel, post.ts),
        value=f"{grievance_id}:bogus",
    )
    stack.settle()
    assert delivery.status == 200
    [told] = _ephemerals_for(stack, "UANA")[seen_before:]
    assert "out of date" in told.text and "reference" not in told.text
    assert _status(stack, 2) is Status.OPEN and _status_changes(stack) == []
    assert stack.workspace.calls_to("chat.update") == []


def test_the_raiser_may_withdraw_and_then_nothing_moves(stack: SandboxStack) -> None:
    post = _file(stack, "UBEN", "The client keeps calling me at midnight")
    _click(stack, "UBEN", post, "withdrawn")
    assert _status(stack) is Status.WITHDRAWN
    assert "*Withdrawn*" in _shown(post) and _buttons(post) == []
    assert _dms_to(stack, "UBEN") == []


def test_a_reporter_filing_for_someone_else_cannot_resolve_it(stack: SandboxStack) -> None:
    _file(stack, "UANA", "Opening the case so ana leads it")
    stack.slack.slash_command("UBEN", "CACME", "new")
    stack.settle()
    [modal] = stack.workspace.modal_stack("UBEN")
    stack.slack.submit_view(
        "UBEN", modal.id, {"text": "Carla says the invoices are wrong", "raised_by_user": "UCARLA"}
    )
    stack.settle()
    post = [m for m in stack.workspace.messages if m.channel == "CACME" and m.bot_id][-1]
    _click(stack, "UBEN", post, "resolved")
    assert _status(stack, 2) is Status.OPEN
    assert "Only the person who raised" in _ephemerals_for(stack, "UBEN")[-1].text


# ---- leads ----------------------------------------------------------------------------


def test_the_team_member_who_opens_a_case_leads_it_and_can_add_leads(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "Opening the case")
    assert _leads(stack) == ["UANA"]

    refused = shown(stack, "UBEN", "CACME", "lead <@UDEV|dev>")
    assert "Only a lead" in refused
    client = shown(stack, "UANA", "CACME", "lead <@UCARLA|carla>")
    assert "client side" in client
    added = shown(stack, "UANA", "CACME", "lead <@UBEN|ben>")
    assert "ben now lead" in added
    again = shown(stack, "UANA", "CACME", "lead <@UBEN>")
    assert "already lead" in again
    stack.settle()
    assert _leads(stack) == ["UANA", "UBEN"]
    with stack.db.transaction() as session:
        added_entries = session.scalars(
            select(TimelineEntry.text).where(TimelineEntry.kind == "lead_added")
        ).all()
    assert added_entries == ["ana leads the case", "ben leads the case"]


@pytest.mark.parametrize("opener", ["UCARLA", "UDEV"])
def test_a_case_opened_by_the_client_has_no_lead_and_the_team_is_asked_privately(
    stack: SandboxStack, opener: str
) -> None:
    _file(stack, opener, "We are about to cancel the contract")
    assert _leads(stack) == []
    asked = {e.user for e in stack.workspace.ephemerals if LEAD_ME in e.text}
    assert asked == {"UANA", "UBEN"}  # team-side members only: no client, guest or bot
    assert all(LEAD_ME not in m.text for m in stack.workspace.messages)

    refused = shown(stack, "UCARLA", "CACME", "lead me")
    assert "delivery team" in refused
    claimed = shown(stack, "UBEN", "CACME", "lead me")
    assert "You now lead this case" in claimed
    too_late = shown(stack, "UANA", "CACME", "lead me")
    assert "already has a lead" in too_late
    again = shown(stack, "UBEN", "CACME", "lead   ME")
    assert "already lead" in again
    stack.settle()
    assert _leads(stack) == ["UBEN"]


def test_lead_without_a_case_or_a_target_is_explained(stack: SandboxStack) -> None:
    no_case = shown(stack, "UANA", "CINTERNAL", "lead me")
    assert "no case in this channel" in no_case
    _file(stack, "UANA", "Opening the case")
    usage = shown(stack, "UANA", "CACME", "lead")
    assert "/grievance lead me" in usage
    assert _leads(stack) == ["UANA"]


def test_every_team_member_of_a_big_channel_is_asked_to_lead(stack: SandboxStack) -> None:
    ws = stack.workspace
    team = {"UANA", "UBEN"}
    for i in range(110):
        user = ws.add_user(User(f"UT{i:03d}", f"teammate{i}", f"Teammate {i}", ws.team_id))
        ws.channels["CACME"].members.add(user.id)
        team.add(user.id)
    _file(stack, "UCARLA", "We are about to cancel the contract")
    asked = {e.user for e in ws.ephemerals if LEAD_ME in e.text}
    assert asked == team
