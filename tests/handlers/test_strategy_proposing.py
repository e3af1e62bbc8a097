"""Proposing a strategy through the real HTTP endpoint: the modal, v1 with its evidence,
inline refusals, and v2 superseding v1.

A lead proposes in a modal; the version is posted with its evidence. Assertions read what
the emulated Slack shows and what the database holds.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from bot.ids import StrategyField
from bot.sandbox.stack import SandboxStack
from storage.models import (
    Role,
    Side,
    Status,
    Strategy,
    StrategyAction,
    StrategyStatus,
    TimelineEntry,
)
from tests.conftest import shown
from tests.handlers.strategy_helpers import (
    CHANNEL,
    _buyin_case,
    _current,
    _file,
    _input,
    _modal,
    _open_form,
    _propose,
    _react,
    _role,
    _shown,
    _status,
    _strategy,
    _strategy_posts,
    _votes,
)

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
