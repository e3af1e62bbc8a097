"""The interview question editor through the real HTTP endpoint: a lead edits each
side's questions for the next invitations, with inline errors.

Ana opens the case by filing a grievance in #acme-recovery, so she is its lead; Carla
(Slack Connect) and Dev (guest) are the client side, Ben the team side.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.jobs import interview_reminders
from bot.playbook.interviews import DEFAULT_QUESTIONS
from bot.sandbox.stack import SandboxStack
from storage.models import Case, Side
from tests.handlers.interviews_helpers import (
    BEN,
    CARLA,
    _command,
    _ephemerals,
    _invited_at,
    _labels,
    _modal,
    _open_case,
    _open_interview,
    _shown,
    _timeline,
)

# ---- questions -----------------------------------------------------------------------


def test_lead_edits_questions_for_the_next_invitations_with_inline_errors(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {BEN}")  # invited before the change
    assert "Only a lead" in _command(stack, "UBEN", "interview questions")

    _command(stack, "UANA", "interview questions")
    modal = _modal(stack, "UANA")
    assert modal.payload["callback_id"] == "interview_questions"
    inputs = {b["block_id"]: b for b in modal.payload["blocks"] if b["type"] == "input"}
    assert inputs["interview_client_questions"]["element"]["initial_value"] == "\n".join(
        DEFAULT_QUESTIONS[Side.CLIENT]
    )
    assert inputs["interview_reminder_hours"]["element"]["initial_value"] == "48"

    stack.slack.submit_view(
        "UANA",
        modal.id,
        {
            "interview_client_questions": "\n".join(f"Question {n}?" for n in range(11)),
            "interview_team_questions": "x" * 301,
            "interview_reminder_hours": "0",
        },
    )
    stack.settle()
    modal = _modal(stack, "UANA")
    assert set(modal.errors) == {
        "interview_client_questions",
        "interview_team_questions",
        "interview_reminder_hours",
    }
    assert "10 questions" in modal.errors["interview_client_questions"]

    stack.slack.submit_view(
        "UANA",
        modal.id,
        {
            "interview_client_questions": "1. Is the invoice export fixed for you?\n"
            "2. Who else should we hear?",
            "interview_team_questions": "Where did the release go wrong?",
            "interview_reminder_hours": "24",
        },
    )
    stack.settle()

    assert stack.workspace.modal_stack("UANA") == []
    assert "Saved the interview questions: 2 for the client, 1 for the team" in _shown(
        _ephemerals(stack, "UANA")[-1]
    )
    with stack.db.transaction() as session:
        assert session.scalars(select(Case.interview_reminder_hours)).one() == 24
    [changed] = _timeline(stack, "questions_changed")
    assert "client side: 2 questions" in changed and "reminder after 24 hours" in changed

    _command(stack, "UANA", f"interview {CARLA}")
    assert _labels(_open_interview(stack, "UCARLA")) == [
        "Is the invoice export fixed for you?",
        "Who else should we hear?",
    ]
    # Ben was invited before: he keeps the questions he was sent.
    assert _labels(_open_interview(stack, "UBEN")) == list(DEFAULT_QUESTIONS[Side.TEAM])
    # The new delay applies to reminders.
    due = _invited_at(stack, "UCARLA") + timedelta(hours=24, minutes=1)
    assert interview_reminders.run(stack.db, stack.app.client, due) == 2
