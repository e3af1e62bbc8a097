"""Answering interviews through the real HTTP endpoint: saving and coming back, finishing,
named answers, and the reminders the job sends to those who have not answered.

Ana opens the case by filing a grievance in #acme-recovery, so she is its lead; Carla
(Slack Connect) and Dev (guest) are the client side, Ben the team side.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.jobs import interview_reminders
from bot.playbook.interviews import DEFAULT_QUESTIONS
from bot.sandbox.stack import SandboxStack
from storage.models import InterviewStatus, Side
from tests.handlers.interviews_helpers import (
    BEN,
    CARLA,
    DEV,
    _buttons,
    _command,
    _dms,
    _failed_calls,
    _interviews,
    _invited_at,
    _labels,
    _modal,
    _open_case,
    _open_interview,
    _shown,
    _timeline,
)

# ---- answering -----------------------------------------------------------------------


def test_save_and_come_back_keeps_answers_then_finishing_marks_answered(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA}")

    modal = _open_interview(stack, "UCARLA")
    assert _labels(modal) == list(DEFAULT_QUESTIONS[Side.CLIENT])
    assert modal.payload["title"]["text"] == "Interview"
    stack.slack.submit_view(
        "UCARLA",
        modal.id,
        {
            "interview_answer:1": "The export broke twice",
            "interview_answer:3": "A month without manual fixes",
            "interview_finish": "Save and come back later",
        },
    )
    stack.settle()

    assert stack.workspace.modal_stack("UCARLA") == []
    carla = _interviews(stack)["UCARLA"]
    assert carla.status is InterviewStatus.IN_PROGRESS and carla.answered_at is None
    assert [a.answer for a in carla.answers][:3] == [
        "The export broke twice",
        "",
        "A month without manual fixes",
    ]
    [dm] = _dms(stack, "UCARLA")  # updated in place
    assert dm.edited and _buttons(dm) == ["Continue"] and "2 of 5 answered" in _shown(dm)
    assert _timeline(stack, "interview_answered") == []

    modal = _open_interview(stack, "UCARLA")
    prefilled = {
        b["block_id"]: b["element"].get("initial_value")
        for b in modal.payload["blocks"]
        if b["type"] == "input"
    }
    assert prefilled["interview_answer:1"] == "The export broke twice"
    assert prefilled["interview_answer:3"] == "A month without manual fixes"
    stack.slack.submit_view(
        "UCARLA",
        modal.id,
        {
            "interview_answer:2": "Invoices on time",
            "interview_anonymous": ["anonymous"],
            "interview_finish": "done",
        },
    )
    stack.settle()

    carla = _interviews(stack)["UCARLA"]
    assert carla.status is InterviewStatus.ANSWERED and carla.answered_at is not None
    assert carla.anonymous is True
    assert [a.answer for a in carla.answers][:3] == [
        "The export broke twice",
        "Invoices on time",
        "A month without manual fixes",
    ]
    assert [a.question for a in carla.answers] == list(DEFAULT_QUESTIONS[Side.CLIENT])
    [dm] = _dms(stack, "UCARLA")
    assert "Answered (3 of 5)" in _shown(dm) and _buttons(dm) == ["Edit your answers"]
    # Not even her role: as the only client member, "a client member" would be Carla.
    assert _timeline(stack, "interview_answered") == ["An interview was answered anonymously"]
    assert _failed_calls(stack) == []


def test_finishing_with_nothing_answered_is_refused_inline(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {BEN}")
    modal = _open_interview(stack, "UBEN")

    stack.slack.submit_view("UBEN", modal.id, {"interview_finish": "done"})
    stack.settle()

    still_open = _modal(stack, "UBEN")
    assert set(still_open.errors) == {"interview_finish"}
    assert _interviews(stack)["UBEN"].status is InterviewStatus.INVITED


def test_a_named_answer_is_recorded_under_the_persons_name(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {BEN}")
    modal = _open_interview(stack, "UBEN")
    stack.slack.submit_view("UBEN", modal.id, {"interview_answer:1": "Scope creep"})
    stack.settle()
    assert _timeline(stack, "interview_answered") == ["ben answered the interview"]
    assert _interviews(stack)["UBEN"].anonymous is False


# ---- reminders -----------------------------------------------------------------------


def test_one_reminder_after_the_cases_hours_and_none_for_those_who_answered(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA} {BEN}")
    modal = _open_interview(stack, "UBEN")
    stack.slack.submit_view("UBEN", modal.id, {"interview_answer:1": "Scope creep"})
    stack.settle()
    due = _invited_at(stack, "UCARLA") + timedelta(hours=48, minutes=1)
    client = stack.app.client

    assert interview_reminders.run(stack.db, client, due - timedelta(minutes=2)) == 0
    assert interview_reminders.run(stack.db, client, due) == 1
    assert interview_reminders.run(stack.db, client, due + timedelta(days=3)) == 0

    invitation, reminder = _dms(stack, "UCARLA")
    assert "reminder" in _shown(reminder) and "2 days" in _shown(reminder)
    assert _buttons(reminder) == ["Start the interview"]
    assert len(_dms(stack, "UBEN")) == 1
    assert _timeline(stack, "interview_reminded") == ["carla reminded of the interview"]
    assert _interviews(stack)["UCARLA"].dm_ts == invitation.ts  # saves still update the invitation


def test_two_runs_at_once_remind_once(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA} {DEV}")
    due = _invited_at(stack, "UCARLA") + timedelta(hours=49)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(interview_reminders.run(stack.db, stack.app.client, due))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sum(counts) == 2  # one each for Carla and Dev, whichever run sent it
    assert len(_dms(stack, "UCARLA")) == len(_dms(stack, "UDEV")) == 2
    assert len(_timeline(stack, "interview_reminded")) == 2


def test_a_failing_reminder_does_not_stop_the_others(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA} {DEV}")
    stack.workspace.inject("chat.postMessage", "channel_not_found")
    due = _invited_at(stack, "UCARLA") + timedelta(hours=49)

    assert interview_reminders.run(stack.db, stack.app.client, due) == 1
    assert interview_reminders.run(stack.db, stack.app.client, due) == 0  # claimed: never twice
    assert len(_dms(stack, "UCARLA")) == 1 and len(_dms(stack, "UDEV")) == 2
