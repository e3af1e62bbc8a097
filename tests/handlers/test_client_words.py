"""The client's own words, reused: what the client side said matters most, how it measures
success and what used to go well drive the check-in's prompts, the findings and the
closing summary, each quoted with where and when it was said; the team's words never
stand in for the client's.

The suite's clock starts on Monday 30 November 2026: the grievances are filed that day.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update

from bot.playbook.checkins import load_questions
from bot.sandbox.stack import SandboxStack
from storage.models import CheckinSchedule, Grievance, Side
from tests.handlers.digest_closing_helpers import CHANNEL, _close, _command, _open_case
from tests.handlers.strategy_helpers import _file


def _client_said(stack: SandboxStack) -> None:
    """Carla's grievance #1 says what she cares about; Ben's #2 (team side) says otherwise."""
    _open_case(stack)
    with stack.db.transaction() as session:
        session.execute(
            update(Grievance)
            .where(Grievance.number == 1)
            .values(
                side=Side.CLIENT,
                cares_about="Predictable releases",
                success_measure="No surprise deploys for a quarter",
                went_well="Release notes a week ahead",
            )
        )
    _file(stack, "UBEN", "Scope keeps changing", side=Side.TEAM, cares_about="Velocity")


def test_findings_quote_the_clients_words_with_their_source(stack: SandboxStack) -> None:
    _client_said(stack)
    stack.slack.slash_command("UANA", CHANNEL, "findings")
    stack.settle()
    shown = json.dumps(stack.workspace.messages[-1].blocks, ensure_ascii=False)
    assert "Predictable releases (×1; grievance #1, 30 Nov)" in shown
    assert "No surprise deploys for a quarter (×1; grievance #1, 30 Nov)" in shown


def test_checkin_prompts_are_in_the_clients_words_and_say_when(stack: SandboxStack) -> None:
    _client_said(stack)
    _command(stack, "UANA", "checkin every monday at 10:00")
    with stack.db.transaction() as session:
        schedule = session.scalars(select(CheckinSchedule)).one()
        asked = [q.text for q in load_questions(schedule.questions)]
    assert asked[:3] == [
        "In November you said success means No surprise deploys for a quarter — how are we doing?",
        "In November you said Predictable releases mattered most — how are we doing on it?",
        "You told us Release notes a week ahead used to go well — are we back there?",
    ]
    assert not [q for q in asked if "Velocity" in q]  # the team's words are not the client's


def test_the_closing_summary_says_what_the_client_told_us(stack: SandboxStack) -> None:
    _client_said(stack)
    _close(stack, "not_recovered")
    (summary,) = [m for m in stack.workspace.messages if m.text.startswith("Case closed")]
    shown = json.dumps(summary.blocks, ensure_ascii=False)
    assert "*What you told us*" in shown
    assert "“Predictable releases” mattered most _(grievance #1, 30 Nov)_" in shown
    assert "“Release notes a week ahead” used to go well _(grievance #1, 30 Nov)_" in shown
    assert "Velocity" not in shown
