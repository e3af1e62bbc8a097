"""Commitment reminders and overdue flags, driven by the scheduler's job with the bot's
clock: the owner hears the working day before and on the due day, within working hours
and once each; the day after, an open commitment is flagged overdue once to its owner
and the leads, goes on the timeline, and lowers the case's health, while one kept on
time raises it.

The suite's clock starts on Monday 30 November 2026; the case and its people are on UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.jobs import checkins as checkins_job
from bot.jobs import commitments as job
from bot.jobs import next_due
from bot.playbook import health
from bot.sandbox.stack import SandboxStack
from storage.models import Case, TimelineEntry
from tests.handlers.digest_closing_helpers import _command, _dms, _open_case


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def _reminders(stack: SandboxStack, user: str) -> list[str]:
    return [m.text for m in _dms(stack, user) if "Commitment #" in m.text]


def test_the_owner_is_reminded_the_day_before_and_on_the_day_once_each(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> wednesday Ship the export fix")

    assert job.run(stack.db, stack.app.client, _at(1, 7, 30)) == 0  # before working hours
    assert job.run(stack.db, stack.app.client, _at(1, 10)) == 1
    assert job.run(stack.db, stack.app.client, _at(1, 11)) == 0  # told once
    assert job.run(stack.db, stack.app.client, _at(2, 9, 5)) == 1
    said = ":alarm_clock: Commitment #1 on the acme-recovery case is due"
    assert _reminders(stack, "UBEN") == [
        f"{said} on Wed 02 Dec: Ship the export fix",
        f"{said} today: Ship the export fix",
    ]


def test_the_scheduler_knows_when_the_next_reminder_falls_due(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> wednesday Ship the export fix")
    assert next_due(stack.db, _at(1, 0)) == _at(1, 9)
    job.run(stack.db, stack.app.client, _at(1, 9))
    assert next_due(stack.db, _at(1, 9)) == _at(2, 9)
    job.run(stack.db, stack.app.client, _at(2, 9))
    assert next_due(stack.db, _at(2, 9)) == _at(3, 0)  # overdue from Thursday


def test_an_overdue_commitment_is_flagged_once_and_weighs_on_health(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> monday Ship the export fix")  # today
    _command(stack, "UANA", "commit <@UBEN> tuesday Send the invoice list")
    _command(stack, "UBEN", "commit done 1")  # on time

    assert job.run(stack.db, stack.app.client, _at(2, 0, 30)) == 1
    assert job.run(stack.db, stack.app.client, _at(2, 1)) == 0

    flagged = ":warning: Commitment #2 on the acme-recovery case is overdue (due Tue 01 Dec)"
    assert any(text.startswith(flagged) for text in _reminders(stack, "UBEN"))
    assert any(text.startswith(flagged) for text in _reminders(stack, "UANA"))  # the lead
    with stack.db.transaction() as session:
        (entry,) = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "commitment_overdue")
        )
        assert entry.text == "Commitment #2 is overdue (due Tue 01 Dec, ben)"
        case = session.scalars(select(Case)).one()
        found = health.assess(session=session, case=case, now=_at(2, 1))
    assert "1 of 2 commitments due so far kept on time, 1 overdue" in found.score.reasons
    weights = sum(health.WEIGHTS[name] for name in found.score.components if name != "silence")
    assert found.score.components["commitments"] == round(0.5 * 100 * 10 / weights, 1)


def test_nothing_is_said_of_a_commitment_done_before_its_day(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", "commit <@UBEN> wednesday Ship the export fix")
    _command(stack, "UBEN", "commit done 1")
    for moment in (_at(1, 10), _at(2, 10), _at(3, 10)):
        assert job.run(stack.db, stack.app.client, moment) == 0
    assert [t for t in _reminders(stack, "UBEN") if "due" in t] == []


def test_a_checkin_lists_what_is_due_this_week_but_never_an_internal_commitment(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", "checkin every weekday at 9:30 in UTC")
    _command(stack, "UANA", "commit <@UBEN> wednesday Ship the export fix")
    _command(stack, "UANA", "commit <@UBEN> monday Rerun the failed exports")  # overdue Tue
    _command(stack, "UANA", "commit <@UBEN> 2026-12-20 Review the template")  # not this week
    _command(stack, "UANA", "commit <@UBEN> wednesday Audit the job [internal]")

    assert checkins_job.run(stack.db, stack.app.client, _at(1, 9, 30)) == 1
    (checkin,) = [m for m in stack.workspace.messages if m.text.startswith("Check-in")]
    shown = json.dumps(checkin.blocks, ensure_ascii=False)
    assert "*Due this week*" in shown
    assert "#2 ben: Rerun the failed exports — :warning: overdue since Mon 30 Nov" in shown
    assert "#1 ben: Ship the export fix — by Wed 02 Dec" in shown
    assert "Review the template" not in shown and "Audit the job" not in shown
