"""Strategy versions and buy-in by reactions, through the real HTTP endpoint.

A lead proposes in a modal; the version is posted with its evidence; stakeholders vote
with reactions; the case's rule decides when buy-in is reached. Assertions read what the
emulated Slack shows and what the database holds.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

from sqlalchemy import func, select

from bot.ids import Callback, StrategyField
from bot.playbook.people import Profile, ensure_person, find_person
from bot.playbook.stakeholders import set_role
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, User, View
from storage.models import (
    Case,
    Grievance,
    HealthSnapshot,
    Role,
    Side,
    Stage,
    Status,
    Strategy,
    StrategyAction,
    StrategyStatus,
    TimelineEntry,
    Vote,
    VoteKind,
)
from tests.conftest import shown

CHANNEL = "CACME"

# ---- helpers --------------------------------------------------------------------------


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


# ---- the modal ------------------------------------------------------------------------


def test_modal_lists_open_public_grievances_by_severity_and_prefills_measures(
    stack: SandboxStack,
) -> None:
    low = _file(stack, "UANA", "Release notes were missing", severity=1)
    long_text = "The staging server has been down for days and nobody " * 5
    high = _file(
        stack,
        "UANA",
        long_text,
        severity=4,
        side=Side.CLIENT,
        success_measure="Staging up 99% of the week",
    )
    _file(stack, "UANA", "Secret: the PM is leaving", severity=4, confidential=True)
    _file(stack, "UANA", "Fixed already", severity=3, status=Status.RESOLVED)

    view = _open_form(stack)

    element = _input(view, StrategyField.GRIEVANCES)
    assert element["type"] == "multi_static_select"
    options = element["options"]
    assert [o["value"] for o in options] == [str(high), str(low)]
    assert options[0]["text"]["text"].startswith("#2 · severity 4 · The staging server")
    assert all(len(o["text"]["text"]) <= 75 for o in options)
    measures = _input(view, StrategyField.MEASURES)
    assert measures["initial_value"] == "Staging up 99% of the week"
    assert view.payload["title"]["text"] == "Strategy v1"
    assert "Secret" not in json.dumps(view.payload)


def test_only_leads_propose_and_a_channel_without_a_case_says_how_to_open_one(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "The demo crashed")

    refused = shown(stack, "UBEN", CHANNEL, "strategy")
    assert "Only a lead of this case can propose a strategy" in refused
    stack.settle()
    assert "ana" in refused
    assert not stack.workspace.modal_stack("UBEN")

    elsewhere = shown(stack, "UANA", "CINTERNAL", "strategy")
    assert "no case in this channel" in elsewhere
    assert "/grievance <what happened>" in elsewhere

    assert "No strategy has been proposed" in _status(stack)
    asked = stack.slack.slash_command("UANA", CHANNEL, "strategy x").body
    assert "File this as a grievance?" in asked and "`/grievance strategy [status" in asked


# ---- proposing ------------------------------------------------------------------------


def test_v1_is_posted_with_severity_weighted_coverage_and_parsed_actions(
    stack: SandboxStack,
) -> None:
    first = _file(stack, "UANA", "Invoice export broken", severity=4)
    _file(stack, "UANA", "Slow answers on support", severity=3)
    third = _file(stack, "UANA", "Typos in the release notes", severity=1)
    _file(stack, "UANA", "Demo environment flaky", severity=2)
    fifth = _file(stack, "UANA", "Nobody tells us about outages", severity=3)
    _file(stack, "UANA", "Confidential worry", severity=4, confidential=True)
    _file(stack, "UANA", "Already resolved", severity=4, status=Status.RESOLVED)
    _role(stack, "UBEN", Role.TEAM_MEMBER)  # "@ben" names a stakeholder

    post = _propose(
        stack,
        {
            StrategyField.SUMMARY: "Fix what hurts most, and tell the client every week",
            StrategyField.ACTIONS: "Weekly release notes — <@UANA> — 2026-12-01\n"
            "Fix the export @ben by 2026-11-15\n"
            "Daily stand-up with the client\n",
            StrategyField.GRIEVANCES: [str(first), str(third), str(fifth)],
            StrategyField.MEASURES: "No P1 bugs for a month\nAnswers within a day",
        },
    )

    shown = _shown(post)
    assert post.text.startswith("Strategy v1 for acme-recovery")
    # (4 + 1 + 3) / (4 + 3 + 1 + 2 + 3) = 8 / 13 = 61.5% -> 62%
    assert "covers 62% of open grievances by severity (3 of 5)" in shown
    for fact in (
        "#1 · severity 4 · Invoice export broken",
        "#3 · severity 1 · Typos",
        "#5 · severity 3 · Nobody tells us",
        "No P1 bugs for a month",
        "Answers within a day",
        "Weekly release notes — <@UANA> — due 2026-12-01",
        "Fix the export — <@UBEN> — due 2026-11-15",
        "Daily stand-up with the client",
        "React with :white_check_mark: to approve or :x: to object",
    ):
        assert fact in shown, fact
    assert "Confidential worry" not in shown and "Already resolved" not in shown

    with stack.db.transaction() as session:
        strategy = session.scalars(select(Strategy)).one()
        assert (strategy.version, strategy.status) == (1, StrategyStatus.PROPOSED)
        assert (strategy.slack_channel, strategy.slack_ts) == (CHANNEL, post.ts)
        assert sorted(g.number for g in strategy.addressed) == [1, 3, 5]
        actions = session.scalars(select(StrategyAction).order_by(StrategyAction.position)).all()
        assert [(a.text, a.owner_user_id, a.due) for a in actions] == [
            ("Weekly release notes", "UANA", date(2026, 12, 1)),
            ("Fix the export", "UBEN", date(2026, 11, 15)),
            ("Daily stand-up with the client", None, None),
        ]
        entry = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "strategy_proposed")
        ).one()
        assert entry.slack_ts == post.ts and "Strategy v1 proposed" in entry.text


def test_a_strategy_addressing_nothing_says_so(stack: SandboxStack) -> None:
    _file(stack, "UANA", "Something went wrong")
    post = _propose(stack, {StrategyField.SUMMARY: "Rebuild trust"})
    assert "none. This strategy is not tied to any open grievance" in _shown(post)
    assert "addresses no grievance" in post.text


def test_invalid_answers_are_refused_inline_and_nothing_is_stored(stack: SandboxStack) -> None:
    _file(stack, "UANA", "Something went wrong")
    view = _open_form(stack)
    cases: list[tuple[dict[str, object], str, str]] = [
        (
            {
                StrategyField.SUMMARY: "ok",
                StrategyField.ACTIONS: "Fine line\nShip it 2026-13-45\n",
            },
            StrategyField.ACTIONS,
            "Line 2: “2026-13-45” is not a date",
        ),
        (
            {StrategyField.SUMMARY: "ok", StrategyField.ACTIONS: "x" * 301},
            StrategyField.ACTIONS,
            "Line 1: it is 301 characters long",
        ),
        (
            {
                StrategyField.SUMMARY: "ok",
                StrategyField.ACTIONS: "\n".join(f"Action {n}" for n in range(21)),
            },
            StrategyField.ACTIONS,
            "21 actions",
        ),
        ({StrategyField.SUMMARY: "   "}, StrategyField.SUMMARY, "Say in a sentence"),
    ]
    for answers, block, advice in cases:
        delivery = stack.slack.submit_view("UANA", view.id, answers)
        answer = delivery.json or {}
        assert answer.get("response_action") == "errors", delivery.body
        assert advice in answer["errors"][block], answer
    assert _modal(stack, "UANA").id == view.id  # still open, with the errors shown
    stack.settle()
    with stack.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Strategy)) == 0
    assert _strategy_posts(stack) == []


def test_v2_links_v1_supersedes_it_and_asks_v1_approvers_to_look_again(
    stack: SandboxStack,
) -> None:
    v1 = _buyin_case(stack)
    _role(stack, "UBEN", Role.TEAM_MEMBER)
    _react(stack, "UCARLA", v1, "white_check_mark")
    _react(stack, "UBEN", v1, "+1")

    form = _open_form(stack)
    assert form.payload["title"]["text"] == "Strategy v2"
    assert _input(form, StrategyField.SUMMARY)["initial_value"] == "Stabilise the export first"
    delivery = stack.slack.submit_view(
        "UANA", form.id, {StrategyField.SUMMARY: "Stabilise the export, then add weekly demos"}
    )
    assert delivery.status == 200
    stack.settle()

    v2 = _strategy_posts(stack)[-1]
    assert v2.text.startswith("Strategy v2")
    v1_link = stack.workspace.permalink(CHANNEL, v1.ts)
    assert f"replaces <{v1_link}|v1>" in _shown(v2)
    assert _strategy(stack, 1).status is StrategyStatus.SUPERSEDED
    assert _strategy(stack, 2).previous_id == _strategy(stack, 1).id
    old = _shown(_current(stack, v1))
    assert "Superseded" in old and stack.workspace.permalink(CHANNEL, v2.ts) in old

    v2_link = stack.workspace.permalink(CHANNEL, v2.ts)
    for approver in ("UCARLA", "UBEN"):
        dm = stack.workspace.dm_channel_for(approver).id
        [notice] = [m for m in stack.workspace.messages if m.channel == dm]
        assert "replaces v1" in notice.text and v2_link in notice.text
    assert _votes(stack, 2) == {}

    # Votes on the superseded version no longer count.
    stack.slack.react("UANA", CHANNEL, v1.ts, "white_check_mark")
    stack.settle()
    assert "UANA" not in _votes(stack, 1)


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
        "(the stage stays rework)"
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
        "(the stage stays rework)"
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
