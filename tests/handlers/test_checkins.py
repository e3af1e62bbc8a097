"""Check-in schedules through the real HTTP endpoint, and the scheduler with a chosen clock.

Ana opens the case by filing a grievance in #acme-recovery, so she leads it; Ben is on
the team, Carla (Slack Connect) on the client side. Schedules are created at the wall
clock's time; tests then set a schedule's cursor (``checked_until``) to the moment they
want and drive ``bot.jobs.checkins.run`` with an explicit ``now``.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select, update

from bot.jobs import checkins as job
from bot.jobs.checkins import ChannelPacer
from bot.playbook.checkins import CONFIDENCE_QUESTION, OPEN_QUESTION, load_questions
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, View
from bot.slack.client import make_web_client
from storage.engine import Database
from storage.models import (
    Case,
    CheckinOccurrence,
    CheckinSchedule,
    Grievance,
    Notice,
    OccurrenceStatus,
    Side,
    Stage,
    TimelineEntry,
)

CHANNEL = "CACME"
#: Monday 2 March 2026: London is on GMT, so 09:30 local is 09:30 UTC.
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
NO_PACE = ChannelPacer(0)


# ---- helpers -------------------------------------------------------------------------------


def _open_case(stack: SandboxStack, channel: str = CHANNEL) -> None:
    stack.slack.slash_command("UANA", channel, "The invoice export broke again")
    stack.settle()


def _command(stack: SandboxStack, user: str, text: str, channel: str = CHANNEL) -> str:
    """Run ``/grievance <text>``; what the user sees in answer."""
    before = len([e for e in stack.workspace.ephemerals if e.user == user])
    delivery = stack.slack.slash_command(user, channel, text)
    assert delivery.status == 200
    stack.settle()
    shown = [e for e in stack.workspace.ephemerals if e.user == user][before:]
    return "\n".join(e.text + "\n" + json.dumps(e.blocks, ensure_ascii=False) for e in shown)


def _schedules(stack: SandboxStack) -> list[CheckinSchedule]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(CheckinSchedule).order_by(CheckinSchedule.id)))


def _occurrences(stack: SandboxStack) -> list[CheckinOccurrence]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(CheckinOccurrence).order_by(
                    CheckinOccurrence.schedule_id, CheckinOccurrence.due_at
                )
            )
        )


def _entries(stack: SandboxStack, kind: str) -> list[str]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(TimelineEntry.text)
                .where(TimelineEntry.kind == kind)
                .order_by(TimelineEntry.id)
            )
        )


def _schedule(stack: SandboxStack, text: str, channel: str = CHANNEL) -> int:
    """Ana schedules a check-in by text; its number."""
    answer = _command(stack, "UANA", f"checkin {text}", channel)
    assert "scheduled" in answer, answer
    return _schedules(stack)[-1].id


def _from(stack: SandboxStack, schedule_id: int, moment: datetime) -> None:
    """Pretend the schedule was created (and last checked) at ``moment``."""
    with stack.db.transaction() as session:
        session.execute(
            update(CheckinSchedule)
            .where(CheckinSchedule.id == schedule_id)
            .values(checked_until=moment, anchor=moment.date())
        )


def _run(stack: SandboxStack, now: datetime, **kwargs: Any) -> int:
    return job.run(stack.db, stack.app.client, now, pacer=kwargs.pop("pacer", NO_PACE))


def _checkins(stack: SandboxStack, channel: str = CHANNEL) -> list[Message]:
    return [
        m
        for m in stack.workspace.messages
        if m.channel == channel and m.bot_id and m.text.startswith("Check-in for")
    ]


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    channel = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _modal(stack: SandboxStack, user: str = "UANA") -> View:
    modals = stack.workspace.modal_stack(user)
    assert modals, f"{user} has no modal open"
    return modals[-1]


def _element(view: View, block_id: str) -> dict[str, Any]:
    for block in view.payload["blocks"]:
        if block.get("block_id") == block_id:
            return dict(block["element"])
    raise AssertionError(f"no input {block_id}")


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
    assert [q.text for q in load_questions(schedule.questions)] == [
        "How are we doing on Exports run every night?",
        "How are we doing on No P1 bugs?",
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


# ---- the scheduler -------------------------------------------------------------------------


def test_posted_once_on_time_then_late_within_grace_and_missed_beyond(
    stack: SandboxStack, database_url: str
) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")
    _from(stack, number, MONDAY + timedelta(hours=9))
    at_930 = MONDAY + timedelta(hours=9, minutes=30, seconds=20)

    assert _run(stack, at_930 - timedelta(minutes=1)) == 0
    assert _run(stack, at_930) == 1
    assert _run(stack, at_930) == 0  # repeated tick
    assert _run(stack, at_930 - timedelta(hours=2)) == 0  # the clock jumped back
    restarted = Database.from_url(database_url)  # another process on the same database
    try:
        assert job.run(restarted, stack.app.client, at_930 + timedelta(minutes=5)) == 0
    finally:
        restarted.dispose()

    [message] = _checkins(stack)
    assert [b["type"] for b in message.blocks][:4] == ["header", "context", "section", "actions"]
    assert "For everyone" in json.dumps(message.blocks) and "Posted late" not in message.text
    [posted] = _occurrences(stack)
    assert posted.status is OccurrenceStatus.POSTED and posted.slack_ts == message.ts
    buttons = next(b for b in message.blocks if b["type"] == "actions")["elements"]
    assert buttons[2]["value"] == f"{posted.id}:0:3"

    # Down from Monday evening to Wednesday 10:00: Tuesday is too old, Wednesday is late.
    told_before = len(_dms(stack, "UANA"))
    assert _run(stack, MONDAY + timedelta(days=2, hours=10)) == 1
    assert _run(stack, MONDAY + timedelta(days=2, hours=11)) == 0
    _monday, tuesday, wednesday = _occurrences(stack)
    assert tuesday.status is OccurrenceStatus.MISSED and not tuesday.late
    [told] = _dms(stack, "UANA")[told_before:]  # its owner is told once, never the client
    assert "was not posted" in told.text and "Tue 03 Mar 09:30" in told.text
    assert wednesday.status is OccurrenceStatus.POSTED and wednesday.late
    late = _checkins(stack)[-1]
    assert "Posted late: it was due at 09:30" in json.dumps(late.blocks)
    assert _entries(stack, "checkin_posted") == [
        f"Check-in #{number} posted",
        f"Check-in #{number} posted (late)",
    ]


def test_two_runs_at_once_post_each_check_in_once(stack: SandboxStack) -> None:
    _open_case(stack)
    first = _schedule(stack, "every weekday at 9:30")
    second = _schedule(stack, "every weekday at 9:40 for team side")
    for number in (first, second):
        _from(stack, number, MONDAY)
    now = MONDAY + timedelta(hours=9, minutes=45)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(_run(stack, now))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(counts) in ([0, 2], [1, 1])
    assert len(_checkins(stack)) == 2
    assert [o.status for o in _occurrences(stack)] == [OccurrenceStatus.POSTED] * 2


def test_check_ins_to_one_channel_keep_a_second_apart(stack: SandboxStack) -> None:
    _open_case(stack)
    for text in ("every weekday at 9:30", "every weekday at 9:30 for client side"):
        _from(stack, _schedule(stack, text), MONDAY)
    slept: list[float] = []
    pacer = ChannelPacer(1.0, clock=lambda: 0.0, sleep=slept.append)

    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31), pacer=pacer) == 2
    assert slept == [1.0]


@pytest.mark.parametrize("how", ["archived", "removed", "deleted"])
def test_a_channel_gone_pauses_its_schedule_and_tells_the_owner_once(
    stack: SandboxStack, how: str
) -> None:
    _open_case(stack)
    number = _schedule(stack, "every day at 9:30")
    _from(stack, number, MONDAY)
    if how == "archived":
        stack.workspace.channels[CHANNEL].is_archived = True
        error = "is_archived"
    else:
        error = "not_in_channel" if how == "removed" else "channel_not_found"
        stack.workspace.inject("chat.postMessage", error)

    before = len(stack.workspace.calls_to("chat.postMessage"))
    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 0
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 0

    [failed] = _occurrences(stack)
    assert failed.status is OccurrenceStatus.FAILED and failed.error == error
    [schedule] = _schedules(stack)
    assert schedule.paused and schedule.paused_reason
    [dm] = _dms(stack, "UANA")
    assert f"paused check-in *#{number}*" in dm.text and "resume" in dm.text
    assert len(stack.workspace.calls_to("chat.postMessage")) - before == 2  # the try, the DM
    with stack.db.transaction() as session:
        assert session.scalars(select(Notice.kind)).all() == ["schedule_paused"]
    assert _entries(stack, "checkin_paused")[0].startswith(f"Check-in #{number} paused: ")

    stack.workspace.channels[CHANNEL].is_archived = False
    _command(stack, "UANA", f"checkin resume {number}")
    with stack.db.transaction() as session:
        assert session.scalars(select(Notice)).all() == []  # a new failure would be told


def test_a_rate_limited_channel_does_not_hold_up_the_others(stack: SandboxStack) -> None:
    _open_case(stack)
    _open_case(stack, "CINTERNAL")
    acme = _schedule(stack, "every weekday at 9:30")
    internal = _schedule(stack, "every weekday at 9:30", "CINTERNAL")
    for number in (acme, internal):
        _from(stack, number, MONDAY)
    client = make_web_client(stack.workspace.bot_token, stack.emulator.base_url, max_retries=2)
    other_posted = threading.Event()
    waited: list[bool] = []
    post = client.chat_postMessage

    def slow_in_acme(**kwargs: Any) -> Any:
        if kwargs.get("channel") == CHANNEL:
            waited.append(other_posted.wait(timeout=5))  # Acme waits while the other posts
            stack.workspace.inject_rate_limit("chat.postMessage", retry_after=0, times=3)
            return post(**kwargs)
        answer = post(**kwargs)
        other_posted.set()
        return answer

    client.chat_postMessage = slow_in_acme  # type: ignore[method-assign]

    assert job.run(stack.db, client, MONDAY + timedelta(hours=9, minutes=31), pacer=NO_PACE) == 1

    assert waited == [True]
    by_schedule = {o.schedule_id: o for o in _occurrences(stack)}
    assert by_schedule[internal].status is OccurrenceStatus.POSTED
    assert by_schedule[acme].status is OccurrenceStatus.RETRY  # an outage: kept for later
    assert by_schedule[acme].error == "waiting for Slack: ratelimited"
    assert not any(s.paused for s in _schedules(stack))  # a rate limit is not a gone channel
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 2


def test_a_short_rate_limit_is_waited_out_and_posts_once(stack: SandboxStack) -> None:
    _open_case(stack)
    _from(stack, _schedule(stack, "every weekday at 9:30"), MONDAY)
    stack.workspace.inject_rate_limit("chat.postMessage", retry_after=0, times=1)

    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 1
    assert len(_checkins(stack)) == 1


def _slack_unreachable() -> WebClient:
    """A client whose Slack never answers (nothing listens on port 9)."""
    return make_web_client("xoxb-unreachable", "http://127.0.0.1:9/api/", max_retries=0)


def test_a_slack_outage_keeps_the_check_in_due_and_a_later_run_posts_it_once(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _from(stack, _schedule(stack, "every weekday at 9:30"), MONDAY)
    stack.workspace.inject("chat.postMessage", "service_unavailable")

    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 0
    assert job.run(stack.db, _slack_unreachable(), MONDAY + timedelta(hours=9, minutes=45)) == 0
    [waiting] = _occurrences(stack)
    assert waiting.status is OccurrenceStatus.RETRY and _checkins(stack) == []

    # Slack is back within the grace period; two instances tick at once.
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(_run(stack, MONDAY + timedelta(hours=10)))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(counts) == [0, 1]
    assert _run(stack, MONDAY + timedelta(hours=10, minutes=1)) == 0
    [message] = _checkins(stack)
    assert "Posted late: it was due at 09:30" in json.dumps(message.blocks)
    [posted] = _occurrences(stack)
    assert posted.status is OccurrenceStatus.POSTED and posted.slack_ts == message.ts
    assert _dms(stack, "UANA") == []


def test_slack_down_past_the_grace_period_misses_the_check_in_and_tells_the_owner_once(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")
    _from(stack, number, MONDAY)
    down = _slack_unreachable()

    for minutes in (31, 60, 91):  # the grace period (an hour) runs out while Slack is down
        assert job.run(stack.db, down, MONDAY + timedelta(hours=9, minutes=minutes)) == 0
    [expired] = _occurrences(stack)
    assert expired.status is OccurrenceStatus.RETRY  # missed only once Slack shows it isn't there
    assert _dms(stack, "UANA") == []  # Slack was down: the owner is told once it is back

    assert _run(stack, MONDAY + timedelta(hours=11, minutes=30)) == 0
    assert _run(stack, MONDAY + timedelta(hours=11, minutes=31)) == 0
    [dm] = _dms(stack, "UANA")
    assert f"Check-in *#{number}*" in dm.text and "Mon 02 Mar 09:30" in dm.text
    assert "Slack or the bot was unavailable" in dm.text
    assert _checkins(stack) == []
    assert [o.status for o in _occurrences(stack)] == [OccurrenceStatus.MISSED]
    [schedule] = _schedules(stack)
    assert not schedule.paused  # an outage stops nothing: Tuesday's is posted as usual
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 1


def test_deleting_a_schedule_that_posted_keeps_its_history(stack: SandboxStack) -> None:
    _open_case(stack)
    number = _schedule(stack, "every weekday at 9:30")
    _from(stack, number, MONDAY)
    assert _run(stack, MONDAY + timedelta(hours=9, minutes=31)) == 1

    _command(stack, "UANA", f"checkin delete {number}")

    [kept] = _schedules(stack)
    assert kept.paused and kept.paused_reason == "deleted"
    assert len(_occurrences(stack)) == 1
    assert "No check-ins are scheduled" in _command(stack, "UANA", "checkin list")
    assert "no check-in" in _command(stack, "UANA", f"checkin resume {number}")
    assert _run(stack, MONDAY + timedelta(days=1, hours=9, minutes=31)) == 0
