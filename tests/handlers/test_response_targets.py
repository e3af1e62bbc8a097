"""Response targets end to end: a lead sets them per severity and the business hours; the
scheduler's job warns the leads before a grievance misses one and tells them when it
has, once each; a miss marks the grievance (its message and its timeline); moving the
grievance in time stops the clock.

The suite's clock starts on Monday 30 November 2026 at 08:00 UTC, before business hours
(09:00–17:00 UTC by default), so a critical grievance filed then must be acknowledged by
10:00 (one business hour) and is warned of at 09:45.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.ids import Action
from bot.jobs import next_due
from bot.jobs import targets as job
from bot.playbook.targets import hours_of
from bot.sandbox.stack import SandboxStack
from storage.clock import CLOCK
from storage.models import Grievance, TimelineEntry
from tests.handlers.digest_closing_helpers import _command, _dms, _open_case
from tests.handlers.strategy_helpers import _file


def _at(hour: int, minute: int = 0, day: int = 30, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _alerts(stack: SandboxStack, user: str) -> list[str]:
    return [m.text for m in _dms(stack, user) if "grievance #" in m.text.lower()]


def _grievance(stack: SandboxStack, grievance_id: int) -> Grievance:
    with stack.db.transaction() as session:
        found = session.get_one(Grievance, grievance_id)
        session.expunge(found)
        return found


def test_a_lead_sets_targets_and_business_hours_and_anyone_reads_them(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    shown = _command(stack, "UDEV", "targets")
    assert "(the defaults;" in shown
    assert "Severity 4: acknowledged within 1 business hour, a plan within 1 business day" in shown
    assert "Business hours: 09:00–17:00 on weekdays, UTC" in shown

    said = _command(stack, "UANA", "targets 4 ack 30m plan 4h")
    assert (
        "Severity 4: acknowledged within 30 business minutes, a plan within 4 business hours"
        in said
    )
    said = _command(stack, "UANA", "targets hours 08:30-16:30")
    assert "Business hours: 08:30-16:30 on weekdays, UTC" in said
    shown = _command(stack, "UCARLA", "targets")
    assert "(the defaults;" not in shown and "08:30–16:30" in shown

    assert "Only a lead of this case can set response targets" in _command(
        stack, "UBEN", "targets 4 ack 1h"
    )
    assert "couldn't read “soon” as a duration" in _command(stack, "UANA", "targets 3 ack soon")
    assert "must end after they start" in _command(stack, "UANA", "targets hours 17:00-09:00")


def test_the_leads_are_warned_then_told_of_a_miss_once_and_the_grievance_is_marked(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    critical = _file(stack, "UCARLA", "Checkout is down for every customer", severity=4)

    assert next_due(stack.db, _at(8)) == _at(9, 45)
    assert job.run(stack.db, stack.app.client, _at(9, 44)) == 0
    assert job.run(stack.db, stack.app.client, _at(9, 45)) == 1
    assert job.run(stack.db, stack.app.client, _at(9, 50)) == 0  # warned once
    assert job.run(stack.db, stack.app.client, _at(10, 0)) == 1
    assert job.run(stack.db, stack.app.client, _at(10, 5)) == 0  # told once

    warned, missed = _alerts(stack, "UANA")
    assert warned.startswith(
        ":hourglass_flowing_sand: Grievance #2 on the acme-recovery case (severity 4) should "
        "be acknowledged by Mon 30 Nov 10:00 (its target: 1 business hour)"
    )
    assert missed.startswith(
        ":alarm_clock: Missed: grievance #2 on the acme-recovery case (severity 4) was not "
        "acknowledged within 1 business hour"
    )
    assert _grievance(stack, critical).ack_missed
    with stack.db.transaction() as session:
        (entry,) = session.scalars(
            select(TimelineEntry.text).where(TimelineEntry.kind == "target_missed")
        )
    assert entry == "Response target missed: #2 was not acknowledged within 1 business hour"
    (message,) = [m for m in stack.workspace.messages if m.text.startswith("Grievance #2")]
    assert "missed its response target" in json.dumps(message.blocks)


def test_moving_a_grievance_in_time_stops_its_clock(stack: SandboxStack) -> None:
    _open_case(stack)
    critical = _file(stack, "UCARLA", "Checkout is down for every customer", severity=4)
    (message,) = [m for m in stack.workspace.messages if m.text.startswith("Grievance #2")]

    stack.slack.click(
        "UANA", f"{Action.SET_STATUS}:acknowledged", message=(message.channel, message.ts)
    )
    stack.settle()

    assert _grievance(stack, critical).acknowledged_at is not None
    assert job.run(stack.db, stack.app.client, _at(10, 30)) == 0  # acknowledged: no miss
    # The plan (being worked on) is still due by 17:00: warned at 15:00, beside #1's
    # acknowledgement (severity 2: one business day, so by 17:00 too).
    assert job.run(stack.db, stack.app.client, _at(15, 0)) == 2
    said = "\n".join(_alerts(stack, "UANA"))
    assert (
        "#2 on the acme-recovery case (severity 4) should be worked on (a plan) by Mon 30 Nov 17:00"
        in said
    )
    assert (
        "#1 on the acme-recovery case (severity 2) should be acknowledged by Mon 30 Nov 17:00"
        in said
    )


def test_business_hours_count_only_weekdays_in_the_window(stack: SandboxStack) -> None:
    hours = hours_of("09:00-17:00", "UTC")
    friday_four = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    assert hours.add(friday_four, 120) == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # Monday
    assert hours.between(friday_four, datetime(2026, 12, 7, 10, 0, tzinfo=UTC)) == 120
    berlin = hours_of("09:00-17:00", "Europe/Berlin")
    assert berlin.add(_at(7), 60) == _at(9)  # 08:00 Berlin opens at 09:00 Berlin = 08:00 UTC


def test_the_digest_and_the_export_show_response_times_per_severity_and_side(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _file(stack, "UCARLA", "Checkout is down for every customer", severity=4)
    (message,) = [m for m in stack.workspace.messages if m.text.startswith("Grievance #2")]
    CLOCK.set(_at(9, 30))  # 30 business minutes after opening time
    stack.slack.click(
        "UANA", f"{Action.SET_STATUS}:acknowledged", message=(message.channel, message.ts)
    )
    stack.settle()
    CLOCK.set(_at(11, 0))
    stack.slack.click(
        "UANA", f"{Action.SET_STATUS}:resolved", message=(message.channel, message.ts)
    )
    stack.settle()

    _command(stack, "UBEN", "digest")
    (digest,) = [m for m in stack.workspace.messages if m.text.startswith("Weekly digest")]
    shown = json.dumps(digest.blocks, ensure_ascii=False)
    assert "*Response times* (medians, in business hours)" in shown
    assert (
        "Severity 4 · client side (1 grievance): acknowledged in 30 min, resolved in 2 h" in shown
    )

    _command(stack, "UANA", "export json")
    (archive,) = [f for f in stack.workspace.files.values() if f.name.endswith(".json")]
    rows = json.loads(archive.content)["cases"][0]["response_times"]
    assert {
        "severity": 4,
        "side": "client",
        "grievances": 1,
        "acknowledge_minutes": 30,
        "resolve_minutes": 120,
        "missed_targets": 0,
    } in rows
