"""Buy-in by reactions on a posted strategy, through the real HTTP endpoint.

Stakeholders vote with reactions; the case's rule decides when buy-in is reached and it
is announced once. Assertions read what the emulated Slack shows and what the database
holds.
"""

from __future__ import annotations

import threading

from sqlalchemy import select

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import User
from storage.models import Case, Role, Stage, StrategyStatus, VoteKind
from tests.conftest import shown
from tests.handlers.strategy_helpers import (
    CHANNEL,
    _announcements,
    _buyin_case,
    _current,
    _entries,
    _file,
    _kinds,
    _react,
    _role,
    _shown,
    _status,
    _strategy,
    _votes,
)

# ---- reactions ------------------------------------------------------------------------


def test_reactions_are_one_vote_per_stakeholder_and_the_latest_wins(
    stack: SandboxStack,
) -> None:
    post = _buyin_case(stack)
    _file(stack, "UBEN", "Ben's own grievance")  # Ben becomes a team member
    updates_before = len(stack.workspace.calls_to("chat.update"))

    _react(stack, "UCARLA", post, "white_check_mark")
    assert _votes(stack) == {"UCARLA": VoteKind.APPROVE}
    assert ":white_check_mark: carla (client leader)" in _shown(_current(stack, post))

    _react(stack, "UCARLA", post, "x")  # the latest reaction wins
    assert _votes(stack) == {"UCARLA": VoteKind.OBJECT}
    shown = _shown(_current(stack, post))
    assert ":x: carla (client leader)" in shown
    assert "1 client leader to withdraw their objection" in shown

    _react(stack, "UCARLA", post, "white_check_mark", add=False)  # not the counted one
    assert _votes(stack) == {"UCARLA": VoteKind.OBJECT}
    _react(stack, "UCARLA", post, "x", add=False)  # the counted one: withdrawn
    assert _votes(stack) == {}

    _react(stack, "UBEN", post, "heavy_check_mark")
    assert _votes(stack) == {"UBEN": VoteKind.APPROVE}
    assert ":white_check_mark: ben (team member)" in _shown(_current(stack, post))

    entries_before = len(_kinds(stack))
    _react(stack, "UDEV", post, "white_check_mark")  # not a stakeholder
    _react(stack, "UBEN", post, "tada")  # not a vote
    assert _votes(stack) == {"UBEN": VoteKind.APPROVE}
    assert len(_kinds(stack)) == entries_before

    assert _entries(stack, "vote_cast") == [
        "carla (client leader) approves v1",
        "carla (client leader) objects to v1",
        "ben (team member) approves v1",
    ]
    assert _entries(stack, "vote_withdrawn") == [
        "carla (client leader) withdraws their objection to v1"
    ]
    assert len(stack.workspace.calls_to("chat.update")) - updates_before == 4
    assert _announcements(stack) == []


def test_default_rule_buyin_announces_approves_and_moves_the_case_to_rework(
    stack: SandboxStack,
) -> None:
    post = _buyin_case(stack)

    _react(stack, "UCARLA", post, "+1")
    status = _status(stack)
    assert "Still needed: an approval from a team lead" in status
    assert _announcements(stack) == []

    _react(stack, "UANA", post, "white_check_mark")

    [announcement] = _announcements(stack)
    assert announcement.thread_ts == post.ts and announcement.subtype == "thread_broadcast"
    assert "carla (client leader), ana (team lead)" in announcement.text
    assert "*Stabilizing* to *Reworking*" in announcement.text
    strategy = _strategy(stack)
    assert strategy.status is StrategyStatus.APPROVED and strategy.approved_at is not None
    with stack.db.transaction() as session:
        assert session.scalars(select(Case)).one().stage is Stage.REWORK
    kinds = _kinds(stack)
    assert kinds[-3:] == ["vote_cast", "buyin_reached", "stage_changed"]
    assert "Approved" in _shown(_current(stack, post))
    assert "Buy-in reached" in _status(stack)


def test_a_client_leader_objection_blocks_the_default_rule(stack: SandboxStack) -> None:
    post = _buyin_case(stack)
    _role(stack, "UDEV", Role.CLIENT_LEADER, name="dana")

    _react(stack, "UDEV", post, "x")
    _react(stack, "UCARLA", post, "white_check_mark")
    _react(stack, "UANA", post, "white_check_mark")

    assert _announcements(stack) == []
    assert _strategy(stack).status is StrategyStatus.PROPOSED
    assert "Still needed: 1 client leader to withdraw their objection" in _status(stack)

    _react(stack, "UDEV", post, "x", add=False)
    assert len(_announcements(stack)) == 1


def test_majority_rule_lets_most_client_leaders_carry_it(stack: SandboxStack) -> None:
    stack.workspace.add_user(User("UEVE", "eve", "Eve Stone", "T0CLIENT"))
    stack.workspace.get_channel(CHANNEL).members.add("UEVE")
    post = _buyin_case(stack)
    _role(stack, "UDEV", Role.CLIENT_LEADER, name="dev")
    _role(stack, "UEVE", Role.CLIENT_LEADER, name="eve")

    refused = shown(stack, "UBEN", CHANNEL, "strategy rule majority")
    assert "Only a lead of this case can change the buy-in rule" in refused

    for user, name in (("UEVE", "-1"), ("UANA", "+1"), ("UCARLA", "+1"), ("UDEV", "+1")):
        _react(stack, user, post, name)
    assert _announcements(stack) == []
    assert "1 client leader to withdraw their objection" in _status(stack)

    changed = shown(stack, "UANA", CHANNEL, "strategy rule majority")
    assert "now *majority*" in changed
    stack.settle()
    assert len(_announcements(stack)) == 1
    assert _strategy(stack).status is StrategyStatus.APPROVED
    assert _entries(stack, "buyin_rule_changed") == [
        "Buy-in rule: default → majority "
        "(more than half of the client leadership and a team lead approve)"
    ]
    bad = shown(stack, "UANA", CHANNEL, "strategy rule sometimes")
    assert "Use `/grievance strategy rule default`" in bad


def test_majority_counts_what_is_missing(stack: SandboxStack) -> None:
    post = _buyin_case(stack)
    _role(stack, "UDEV", Role.CLIENT_LEADER, name="dev")
    stack.slack.slash_command("UANA", CHANNEL, "strategy rule majority")
    _react(stack, "UCARLA", post, "+1")
    _react(stack, "UANA", post, "+1")
    status = _status(stack)
    assert "1 more approval from client leadership (1 of 2 so far" in status
    _react(stack, "UDEV", post, "+1")
    assert len(_announcements(stack)) == 1


def test_reactions_on_unknown_or_deleted_messages_are_ignored(stack: SandboxStack) -> None:
    _buyin_case(stack)
    grievance_post = next(m for m in stack.workspace.messages if m.text.startswith("Grievance #1"))
    kinds_before = _kinds(stack)
    updates_before = len(stack.workspace.calls_to("chat.update"))

    for ts in ("1700000000.000001", grievance_post.ts):
        delivery, _event_id = stack.slack.deliver_event(
            {
                "type": "reaction_added",
                "user": "UCARLA",
                "reaction": "white_check_mark",
                "item_user": "UBOT",
                "item": {"type": "message", "channel": CHANNEL, "ts": ts},
                "event_ts": "1700000000.000002",
            }
        )
        assert delivery.status == 200
    stack.settle()

    assert _kinds(stack) == kinds_before
    assert _votes(stack) == {}
    assert len(stack.workspace.calls_to("chat.update")) == updates_before
    assert [c for c in stack.workspace.calls if c.error] == []


def test_two_approvals_at_once_announce_buyin_exactly_once(stack: SandboxStack) -> None:
    post = _buyin_case(stack)
    start = threading.Barrier(2)

    def approve(user: str) -> None:
        start.wait()
        stack.slack.react(user, CHANNEL, post.ts, "white_check_mark")

    threads = [threading.Thread(target=approve, args=(u,)) for u in ("UCARLA", "UANA")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stack.settle()

    assert len(_announcements(stack)) == 1
    assert _kinds(stack).count("buyin_reached") == 1
    assert _votes(stack) == {"UCARLA": VoteKind.APPROVE, "UANA": VoteKind.APPROVE}
    shown = _shown(_current(stack, post))
    assert "carla (client leader)" in shown and "ana (team lead)" in shown


def test_when_slack_refuses_the_buyin_announcement_the_last_approver_hears_it_is_recorded(
    stack: SandboxStack,
) -> None:
    post = _buyin_case(stack)
    stack.slack.react("UANA", CHANNEL, post.ts, "white_check_mark")
    stack.settle()
    stack.workspace.inject("chat.postMessage", "is_archived")
    stack.slack.react("UCARLA", CHANNEL, post.ts, "white_check_mark")
    stack.settle()

    assert _announcements(stack) == []
    assert _kinds(stack).count("buyin_reached") == 1
    told = [e.text for e in stack.workspace.ephemerals if e.user == "UCARLA"]
    assert any("Buy-in on strategy v1 is reached and recorded" in text for text in told), told
