"""Check-in schedules through the real HTTP endpoint: creating them by text or form,
refusing bad input, and who may list, pause, resume, edit and delete them.

Ana opens the case by filing a grievance in #acme-recovery, so she leads it; Ben is on
the team, Carla (Slack Connect) on the client side.
"""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pytest
from sqlalchemy import update

from bot.playbook.checkins import CONFIDENCE_QUESTION, OPEN_QUESTION, load_questions
from bot.sandbox.stack import SandboxStack
from storage.models import Case, Grievance, Side, Stage
from tests.handlers.checkins_helpers import (
    MONDAY,
    _command,
    _element,
    _entries,
    _from,
    _modal,
    _open_case,
    _run,
    _schedule,
    _schedules,
)

# ---- creating schedules --------------------------------------------------------------------


def test_text_schedule_in_the_creators_zone_with_the_cases_questions(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    stack.workspace.users["UANA"].tz = "America/New_York"

    answer = _command(stack, "UANA", "checkin every monday,thursday at 16:00")

    [schedule] = _schedules(stack)
    assert (schedule.days, schedule.time_of_day, schedule.timezone) == (
        "mon,thu",
        "16:00",
        "America/New_York",
    )
    assert [(q.kind, q.text) for q in load_questions(schedule.questions)] == [
        ("rating", CONFIDENCE_QUESTION),
        ("text", OPEN_QUESTION),
    ]
    assert f"Check-in *#{schedule.id}* scheduled" in answer
    assert "every Monday and Thursday at 16:00 (America/New_York)" in answer
    assert "Next:" in answer and "16:00" in answer
    assert _entries(stack, "checkin_scheduled") == [
        f"Check-in #{schedule.id} scheduled every Monday and Thursday at 16:00 "
        "(America/New_York) for everyone"
    ]


def test_questions_come_from_how_the_client_measures_success(stack: SandboxStack) -> None:
    _open_case(stack)
    with stack.db.transaction() as session:
        session.execute(
            update(Grievance).values(
                side=Side.CLIENT, success_measure="Exports run every night\nNo P1 bugs"
            )
        )

    _command(stack, "UANA", "checkin every 2 weeks on friday at 11:00 for client side")

    [schedule] = _schedules(stack)
    assert schedule.interval_weeks == 2 and schedule.audience.value == "client"
    # In the client's own words, saying when they said them (the suite's November).
    assert [q.text for q in load_questions(schedule.questions)] == [
        "In November you said success means Exports run every night — how are we doing?",
        "In November you said success means No P1 bugs — how are we doing?",
        OPEN_QUESTION,
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("checkin every blursday at 9", "“blursday”"),
        # words that do not fit the command are not run: the question shows how it's written
        ("checkin every", "`/grievance checkin [every weekday at 9:30 | list | pause n"),
        ("checkin every weekday at 9:30 <!channel>", "didn’t understand"),
        ("checkin sometime", "`/grievance checkin [every weekday at 9:30 | list | pause n"),
        ("checkin pause", "`/grievance checkin [every weekday at 9:30 | list | pause n"),
        ("checkin pause 1 until christmas", "is not a date"),
    ],
)
def test_bad_input_gets_a_clear_usage_and_changes_nothing(
    stack: SandboxStack, text: str, expected: str
) -> None:
    _open_case(stack)
    answer = _command(stack, "UANA", text)
    assert expected.replace("’", "'") in answer.replace("’", "'")
    assert "Traceback" not in answer and "<!channel>" not in answer
    assert _schedules(stack) == []


def test_the_form_follows_the_stage_and_refuses_a_bad_time_zone_inline(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", "checkin")
    view = _modal(stack)
    assert _element(view, "checkin_cadence")["initial_option"]["value"] == "weekday"
    assert _element(view, "checkin_timezone")["initial_value"] == "Europe/London"
    assert _element(view, "checkin_rating_questions")["initial_value"] == CONFIDENCE_QUESTION
    assert "every weekday is suggested" in json.dumps(view.payload)

    answers = {
        "checkin_cadence": "weekly",
        "checkin_days": ["mon", "wed"],
        "checkin_time": "10:15",
        "checkin_timezone": "Mars/Olympus",
        "checkin_audience": "team",
        "checkin_holidays": "2026-12-25",
    }
    stack.slack.submit_view("UANA", view.id, answers)
    stack.settle()
    assert "Not a time zone" in _modal(stack).errors["checkin_timezone"]
    assert _schedules(stack) == []

    stack.slack.submit_view("UANA", view.id, answers | {"checkin_timezone": "asia/tokyo"})
    stack.settle()
    assert not stack.workspace.modal_stack("UANA")
    [schedule] = _schedules(stack)
    assert (schedule.days, schedule.time_of_day, schedule.timezone) == (
        "mon,wed",
        "10:15",
        "Asia/Tokyo",
    )
    assert schedule.audience.value == "team" and schedule.holidays == "2026-12-25"
    confirmation = stack.workspace.ephemerals[-1]
    assert confirmation.user == "UANA" and "scheduled" in confirmation.text

    with stack.db.transaction() as session:
        session.execute(update(Case).values(stage=Stage.REWORK))
    _command(stack, "UANA", "checkin")
    rework = _modal(stack)
    assert _element(rework, "checkin_cadence")["initial_option"]["value"] == "weekly"
    assert [o["value"] for o in _element(rework, "checkin_days")["initial_options"]] == ["mon"]


def test_a_forged_audience_is_refused_inline_not_widened_to_everyone(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", "checkin")
    view = _modal(stack)
    forged = {"text": {"type": "plain_text", "text": "Leads only"}, "value": "leads"}
    answers = {
        "checkin_cadence": "weekly",
        "checkin_days": ["mon"],
        "checkin_time": "10:15",
        "checkin_audience": forged,
    }
    stack.slack.submit_view("UANA", view.id, answers)
    stack.settle()
    assert "Choose who is asked" in _modal(stack).errors["checkin_audience"]
    assert _schedules(stack) == []


# ---- managing schedules --------------------------------------------------------------------


def test_only_leads_manage_schedules_and_anyone_lists_them(stack: SandboxStack) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")

    for user, text in [
        ("UBEN", "checkin every weekday at 10:00"),
        ("UBEN", "checkin"),
        ("UCARLA", f"checkin pause {number}"),
        ("UCARLA", f"checkin resume {number}"),
        ("UBEN", f"checkin edit {number}"),
        ("UBEN", f"checkin delete {number}"),
    ]:
        answer = _command(stack, user, text)
        assert "Only a lead of this case" in answer and "Ask ana" in answer, text
    assert not stack.workspace.modal_stack("UBEN")
    assert len(_schedules(stack)) == 1 and not _schedules(stack)[0].paused

    listing = _command(stack, "UCARLA", "checkin list")
    assert f"*#{number}* · every weekday at 09:30 (Europe/London)" in listing
    assert "Numbers are the schedules' ids" in listing and "next:" in listing

    assert "no check-in #99" in _command(stack, "UANA", "checkin pause 99")


def test_pause_resume_edit_and_delete(stack: SandboxStack) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")
    _from(stack, number, MONDAY)

    assert "paused until 2099-12-28" in _command(
        stack, "UANA", f"checkin pause {number} until 2099-12-28"
    )
    assert "paused until 2099-12-28" in _command(stack, "UBEN", "checkin list")
    assert "has passed" in _command(stack, "UANA", f"checkin pause {number} until 2020-01-01")
    assert "resumed" in _command(stack, "UANA", f"checkin resume {number}")
    assert "isn't paused" in _command(stack, "UANA", f"checkin resume {number}")

    _command(stack, "UANA", f"checkin pause #{number}")
    assert ":double_vertical_bar: *Paused* (paused by ana)" in _command(
        stack, "UBEN", "checkin list"
    )
    assert _run(stack, MONDAY + timedelta(hours=9, minutes=30)) == 0  # paused: nothing due
    _command(stack, "UANA", f"checkin resume {number}")
    assert _schedules(stack)[0].checked_until.replace(tzinfo=UTC) > MONDAY + timedelta(days=30)

    _command(stack, "UANA", f"checkin edit {number}")
    view = _modal(stack)
    assert view.payload["title"]["text"] == f"Edit check-in #{number}"
    assert _element(view, "checkin_time")["initial_time"] == "09:30"
    stack.slack.submit_view(
        "UANA",
        view.id,
        {
            "checkin_cadence": "biweekly",
            "checkin_days": ["fri"],
            "checkin_time": "11:00",
            "checkin_holidays": "2026-12-25, 2026-12-24",
        },
    )
    stack.settle()
    [schedule] = _schedules(stack)
    assert (schedule.days, schedule.interval_weeks, schedule.time_of_day) == ("fri", 2, "11:00")
    assert schedule.holidays == "2026-12-24,2026-12-25"
    assert "updated" in stack.workspace.ephemerals[-1].text

    assert "deleted" in _command(stack, "UANA", f"checkin delete {number}")
    assert _schedules(stack) == []  # never posted: nothing to keep
    assert "No check-ins are scheduled" in _command(stack, "UBEN", "checkin list")
    assert len(_entries(stack, "checkin_paused")) == 2
    assert len(_entries(stack, "checkin_resumed")) == 2
    assert _entries(stack, "checkin_changed") == [
        f"Check-in #{number} now every 2 weeks on Friday at 11:00 (Europe/London) for everyone"
    ]
    assert len(_entries(stack, "checkin_deleted")) == 1
