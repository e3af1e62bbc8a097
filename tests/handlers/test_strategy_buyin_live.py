"""Buy-in is live: reaching, losing and regaining it rescores the case, tells the leads
and updates the App Home and status, through the real HTTP endpoint.
"""

from __future__ import annotations

import json
import threading

from sqlalchemy import select

from bot.ids import StrategyField
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.models import Case, HealthSnapshot, Role, Stage, StrategyStatus, VoteKind
from tests.handlers.strategy_helpers import (
    CHANNEL,
    _announcements,
    _answer,
    _buyin_case,
    _current,
    _entries,
    _file,
    _kinds,
    _propose,
    _react,
    _role,
    _shown,
    _status,
    _strategy,
    _votes,
)

# ---- buy-in is live -----------------------------------------------------------------------


def _dms(stack: SandboxStack, user: str) -> list[str]:
    dm = stack.workspace.dm_channel_for(user).id
    return [m.text for m in stack.workspace.messages if m.channel == dm]


def _home(stack: SandboxStack, user: str) -> str:
    assert stack.slack.open_home(user).status == 200
    stack.settle()
    view = stack.workspace.views[stack.workspace.home_views[user]]
    return json.dumps(view.payload["blocks"], ensure_ascii=False)


def _health(stack: SandboxStack, user: str = "UBEN") -> str:
    return _answer(stack, user, "status")


def _reached(stack: SandboxStack) -> Message:
    """Carla (the only client leader) and Ana (lead) approve v1: buy-in reached."""
    post = _buyin_case(stack)
    _react(stack, "UCARLA", post, "+1")
    _react(stack, "UANA", post, "white_check_mark")
    assert len(_announcements(stack)) == 1
    return post


def _stored_scores(stack: SandboxStack) -> list[int]:
    """The health the bot stored as it went (nobody asked for it: nothing recomputed it)."""
    with stack.db.reading() as session:
        return list(session.scalars(select(HealthSnapshot.score).order_by(HealthSnapshot.id)))


def test_proposing_reaching_and_losing_buyin_each_rescore_the_case_as_it_happens(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "The invoice export broke twice this month")
    filed = _stored_scores(stack)[-1]
    _role(stack, "UCARLA", Role.CLIENT_LEADER, name="carla")
    post = _propose(stack, {StrategyField.SUMMARY: "Stabilise the export first"})
    proposed = _stored_scores(stack)[-1]
    assert proposed > filed  # a proposed strategy beats none
    _react(stack, "UCARLA", post, "+1")
    _react(stack, "UANA", post, "white_check_mark")
    reached = _stored_scores(stack)[-1]
    assert reached > proposed
    _react(stack, "UCARLA", post, "+1", add=False)
    assert _stored_scores(stack)[-1] < reached  # buy-in lost, the score follows at once


def test_the_only_client_leader_taking_back_their_approval_loses_buyin_everywhere(
    stack: SandboxStack,
) -> None:
    post = _reached(stack)
    assert "Strategy v1 is approved" in _health(stack)

    _react(stack, "UCARLA", post, "+1", add=False)

    waiting = "Buy-in lost — waiting for an approval from a client leader"
    assert _strategy(stack).status is StrategyStatus.LOST
    shown = _shown(_current(stack, post))
    assert waiting in shown and "Approved" not in shown
    status = _status(stack)
    assert waiting in status and "Buy-in reached" not in status
    health = _health(stack)
    assert "Strategy v1: buy-in lost — waiting for an approval from a client leader" in health
    assert "is approved" not in health
    for user in ("UANA", "UCARLA"):
        home = _home(stack, user)
        assert f"Strategy v1: :warning: {waiting}" in home
        assert "Buy-in lost on strategy v1" in home  # the latest timeline entries
    assert _entries(stack, "buyin_lost") == [
        "Buy-in lost on strategy v1: waiting for an approval from a client leader "
        "(the stage stays Reworking)"
    ]
    [notice] = _dms(stack, "UANA")
    assert waiting in notice and stack.workspace.permalink(CHANNEL, post.ts) in notice
    assert len(_announcements(stack)) == 1  # nothing new in the channel
    with stack.db.transaction() as session:
        assert session.scalars(select(Case)).one().stage is Stage.REWORK

    # The same leader now objects twice over: still one loss, one DM.
    _react(stack, "UCARLA", post, "x")
    _react(stack, "UCARLA", post, "-1")
    assert len(_dms(stack, "UANA")) == 1
    assert _kinds(stack).count("buyin_lost") == 1
    assert "1 client leader to withdraw their objection" in _status(stack)


def test_an_objection_after_buyin_loses_it_and_names_no_one(stack: SandboxStack) -> None:
    post = _reached(stack)
    _role(stack, "UDEV", Role.CLIENT_LEADER, name="dana")
    assert _strategy(stack).status is StrategyStatus.APPROVED

    _react(stack, "UDEV", post, "x")

    waiting = "Buy-in lost — waiting for 1 client leader to withdraw their objection"
    assert _strategy(stack).status is StrategyStatus.LOST
    assert waiting in _shown(_current(stack, post))
    assert waiting in _status(stack)
    health = _health(stack)
    assert "buy-in lost — waiting for 1 client leader to withdraw their objection" in health
    assert "dana" not in health
    assert f"Strategy v1: :warning: {waiting}" in _home(stack, "UCARLA")
    [notice] = _dms(stack, "UANA")
    assert waiting in notice and "dana" not in notice
    assert _entries(stack, "buyin_lost") == [
        "Buy-in lost on strategy v1: waiting for 1 client leader to withdraw their objection "
        "(the stage stays Reworking)"
    ]


def test_buyin_regained_is_announced_again_and_recorded(stack: SandboxStack) -> None:
    post = _reached(stack)
    _react(stack, "UCARLA", post, "+1", add=False)
    assert _strategy(stack).status is StrategyStatus.LOST

    _react(stack, "UCARLA", post, "white_check_mark")

    _first, again = _announcements(stack)
    assert again.thread_ts == post.ts and again.subtype == "thread_broadcast"
    assert "Buy-in reached again on strategy v1" in again.text
    assert "carla (client leader), ana (team lead)" in again.text
    assert "stabilize" not in again.text  # the case was at rework all along
    assert _strategy(stack).status is StrategyStatus.APPROVED
    assert [k for k in _kinds(stack) if k.startswith("buyin") or k == "stage_changed"] == [
        "buyin_reached",
        "stage_changed",
        "buyin_lost",
        "buyin_reached",
    ]
    assert _entries(stack, "buyin_reached")[-1].startswith("Buy-in reached again on strategy v1")
    assert "Approved" in _shown(_current(stack, post))
    assert "Buy-in reached" in _status(stack)
    assert "Strategy v1: :tada: buy-in reached" in _home(stack, "UANA")
    assert "Strategy v1 is approved" in _health(stack)
    assert len(_dms(stack, "UANA")) == 1  # told of the loss only

    # Lost and regained once more: each change is told once more.
    _react(stack, "UANA", post, "white_check_mark", add=False)
    _react(stack, "UANA", post, "+1")
    assert len(_announcements(stack)) == 3
    assert len(_dms(stack, "UANA")) == 2


def test_two_reactions_losing_buyin_at_once_tell_the_leads_once(stack: SandboxStack) -> None:
    post = _reached(stack)
    _role(stack, "UDEV", Role.CLIENT_LEADER, name="dana")
    start = threading.Barrier(2)

    def lose(user: str, add: bool) -> None:
        start.wait()
        (stack.slack.react if add else stack.slack.unreact)(
            user, CHANNEL, post.ts, "x" if add else "+1"
        )

    threads = [
        threading.Thread(target=lose, args=("UCARLA", False)),
        threading.Thread(target=lose, args=("UDEV", True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stack.settle()

    assert _votes(stack) == {"UANA": VoteKind.APPROVE, "UDEV": VoteKind.OBJECT}
    assert _kinds(stack).count("buyin_lost") == 1
    assert len(_dms(stack, "UANA")) == 1
    assert "1 client leader to withdraw their objection" in _status(stack)


def test_a_role_change_in_the_people_form_recounts_buyin(stack: SandboxStack) -> None:
    """Carla approved as the only client leader; made a client member, her approval no
    longer counts, so buy-in is lost at once, not at the next reaction."""
    post = _reached(stack)
    stack.slack.slash_command("UANA", CHANNEL, "people")
    stack.settle()
    view_id = stack.workspace.modal_stack("UANA")[-1].id
    stack.slack.submit_view(
        "UANA",
        view_id,
        {
            Role.CLIENT_LEADER.value: [],
            Role.CLIENT_MEMBER.value: ["UCARLA"],
            Role.TEAM_LEAD.value: ["UANA"],
        },
    )
    stack.settle()
    assert _strategy(stack).status is StrategyStatus.LOST
    assert "Buy-in lost" in _shown(_current(stack, post))
    assert len(_dms(stack, "UANA")) == 1  # the lead is told, once
