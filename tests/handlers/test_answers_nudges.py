"""Check-in answers and nudges through the real HTTP endpoint.

A lead schedules a check-in (through the playbook), the check-ins job posts it with a
chosen clock, people press rating buttons and reply in its thread, and the nudges job,
driven with a chosen ``now``, reminds those who have not answered. Assertions read what
the emulated Slack shows and what the database holds.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.jobs import checkins as checkins_job
from bot.jobs import nudges as nudges_job
from bot.playbook import checkins
from bot.playbook.checkins import Question, ScheduleDraft
from bot.playbook.people import Profile, ensure_person, find_person
from bot.playbook.stakeholders import membership, set_role
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.models import (
    Audience,
    Case,
    CheckinAnswer,
    CheckinNudge,
    CheckinOccurrence,
    Person,
    Role,
    Side,
    TimelineEntry,
)

CHANNEL = "CACME"
#: Tuesday 1 December 2026, 09:30 in London (UTC+0 in winter).
T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
QUESTIONS = [
    Question(kind="rating", text="How confident are you that we are back on track?"),
    Question(kind="text", text="Anything we should know?"),
]

# ---- helpers ---------------------------------------------------------------------------


def _case_with_people(stack: SandboxStack) -> None:
    """Ana files the first grievance (she leads); Carla leads the client, Dev is a client
    member, Ben a team member."""
    assert stack.slack.slash_command("UANA", CHANNEL, "The export broke again").status == 200
    stack.settle()
    for user_id, role in (
        ("UCARLA", Role.CLIENT_LEADER),
        ("UDEV", Role.CLIENT_MEMBER),
        ("UBEN", Role.TEAM_MEMBER),
    ):
        _role(stack, user_id, role)


def _role(stack: SandboxStack, user_id: str, role: Role, timezone: str = "Europe/London") -> None:
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ana = find_person(session=session, workspace=case.workspace, user_id="UANA")
        assert ana is not None
        user = stack.workspace.get_user(user_id)
        person = ensure_person(
            session=session,
            workspace=case.workspace,
            profile=Profile(
                user_id=user_id,
                display_name=user.name,
                timezone=timezone,
                external=role.side is Side.CLIENT,
            ),
        )
        set_role(session=session, case=case, actor=ana, person=person, role=role)


def _schedule(
    stack: SandboxStack,
    *,
    audience: Audience = Audience.EVERYONE,
    open_tally: bool = False,
    nudge_after_minutes: int = 240,
) -> int:
    """Ana schedules a weekday 09:30 London check-in, created just before ``T0``."""
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ana = find_person(session=session, workspace=case.workspace, user_id="UANA")
        assert ana is not None
        draft = ScheduleDraft(
            days=(0, 1, 2, 3, 4),
            time_of_day="09:30",
            timezone="Europe/London",
            audience=audience,
            questions=list(QUESTIONS),
            open_tally=open_tally,
        )
        schedule = checkins.create(
            session=session, case=case, actor=ana, draft=draft, now=T0 - timedelta(minutes=5)
        )
        schedule.nudge_after_minutes = nudge_after_minutes
        return schedule.id


def _post(stack: SandboxStack, at: datetime = T0) -> tuple[int, Message]:
    """Run the check-ins job at ``at``; the newest occurrence and its message."""
    checkins_job.run(stack.db, stack.app.client, at)
    with stack.db.transaction() as session:
        occurrence = session.scalars(
            select(CheckinOccurrence).order_by(CheckinOccurrence.id.desc())
        ).first()
        assert occurrence is not None and occurrence.slack_ts, "the check-in was not posted"
        found = stack.workspace.find_message(CHANNEL, occurrence.slack_ts)
        assert found is not None
        return occurrence.id, found


def _rate(stack: SandboxStack, user: str, message: Message, question: int, rating: int) -> None:
    delivery = stack.slack.click(
        user, f"checkin_rate:{question}:{rating}", message=(message.channel, message.ts)
    )
    assert delivery.status == 200, delivery.body
    stack.settle()


def _shown(message: Message) -> str:
    return message.text + "\n" + json.dumps(message.blocks, ensure_ascii=False)


def _answers(stack: SandboxStack) -> list[tuple[str, int, int | None, str | None]]:
    """(who, question, rating, text) of every stored answer, oldest first."""
    with stack.db.transaction() as session:
        rows = session.scalars(select(CheckinAnswer).order_by(CheckinAnswer.id))
        return [(a.person.slack_user_id or "", a.question_index, a.rating, a.text) for a in rows]


def _ephemeral_texts(stack: SandboxStack, user: str) -> list[str]:
    return [e.text for e in stack.workspace.ephemerals if e.user == user]


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    channel = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _nudged(stack: SandboxStack) -> set[str]:
    with stack.db.transaction() as session:
        rows = session.execute(
            select(Person.slack_user_id).join(CheckinNudge, CheckinNudge.person_id == Person.id)
        )
        return {str(user) for (user,) in rows}


def _run_nudges(stack: SandboxStack, at: datetime) -> int:
    return nudges_job.run(stack.db, stack.app.client, at, default_timezone="UTC")


# ---- answers ---------------------------------------------------------------------------


def test_a_later_press_changes_the_rating_and_the_tally_stays_anonymous(
    stack: SandboxStack,
) -> None:
    _case_with_people(stack)
    _schedule(stack)
    _occurrence, message = _post(stack)

    _rate(stack, "UDEV", message, 0, 2)
    _rate(stack, "UDEV", message, 0, 4)  # changes Dev's rating: no second answer
    _rate(stack, "UBEN", message, 0, 5)

    assert sorted(_answers(stack)) == [("UBEN", 0, 5, None), ("UDEV", 0, 4, None)]
    shown = _shown(message)  # the emulator applies chat.update in place
    assert "2 ratings · average 4.5" in shown
    assert "(dev" not in shown and "(ben" not in shown  # an open tally shows "4: 1 (ben)"
    assert len(stack.workspace.calls_to("chat.update")) == 3
    thanks = _ephemeral_texts(stack, "UDEV")
    assert "is in: *2*" in thanks[0] and "Only the totals are shown" in thanks[0]
    assert "is now *4*" in thanks[1]


def test_pressing_the_same_rating_again_changes_nothing(stack: SandboxStack) -> None:
    _case_with_people(stack)
    _schedule(stack)
    _occurrence, message = _post(stack)
    _rate(stack, "UCARLA", message, 0, 3)
    _rate(stack, "UCARLA", message, 0, 3)
    assert _answers(stack) == [("UCARLA", 0, 3, None)]
    assert len(stack.workspace.calls_to("chat.update")) == 1
    assert "already *3*" in _ephemeral_texts(stack, "UCARLA")[-1]


def test_an_open_tally_names_who_gave_which_rating(stack: SandboxStack) -> None:
    _case_with_people(stack)
    _schedule(stack, open_tally=True)
    _occurrence, message = _post(stack)
    _rate(stack, "UCARLA", message, 0, 2)
    _rate(stack, "UBEN", message, 0, 4)
    shown = _shown(message)
    assert "carla" in shown and "ben" in shown
    assert "Your name is shown" in _ephemeral_texts(stack, "UBEN")[-1]


def test_whoever_answers_becomes_a_stakeholder(stack: SandboxStack) -> None:
    assert stack.slack.slash_command("UANA", CHANNEL, "The export broke again").status == 200
    stack.settle()
    _schedule(stack)
    _occurrence, message = _post(stack)
    _rate(stack, "UDEV", message, 0, 3)
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        dev = find_person(session=session, workspace=case.workspace, user_id="UDEV")
        assert dev is not None
        member = membership(session=session, case=case, person=dev)
        assert member is not None and member.role is Role.CLIENT_MEMBER


def test_someone_the_checkin_does_not_ask_is_told_privately(stack: SandboxStack) -> None:
    _case_with_people(stack)
    _schedule(stack, audience=Audience.CLIENT)
    _occurrence, message = _post(stack)
    _rate(stack, "UBEN", message, 0, 5)
    assert _answers(stack) == []
    assert "asks the client side" in _ephemeral_texts(stack, "UBEN")[-1]
    assert not stack.workspace.calls_to("chat.update")


def test_thread_replies_are_text_answers_and_follow_edits_and_deletions(
    stack: SandboxStack,
) -> None:
    _case_with_people(stack)
    _schedule(stack)
    _occurrence, message = _post(stack)

    reply, delivery = stack.slack.post_message(
        "UCARLA", CHANNEL, "The demo on Friday went well", thread_ts=message.ts
    )
    assert delivery is not None and delivery.status == 200
    stack.settle()
    assert _answers(stack) == [("UCARLA", 1, None, "The demo on Friday went well")]

    stack.slack.edit_message("UCARLA", CHANNEL, reply.ts, "The demo on Friday went really well")
    stack.settle()
    assert _answers(stack)[0][3] == "The demo on Friday went really well"

    stack.slack.delete_message("UCARLA", CHANNEL, reply.ts)
    stack.settle()
    assert _answers(stack) == [("UCARLA", 1, None, "")]
    with stack.db.transaction() as session:  # not mistaken for a grievance reply
        kinds = set(session.scalars(select(TimelineEntry.kind)))
    assert "reply" not in kinds


def test_grievance_threads_keep_working_beside_checkin_threads(stack: SandboxStack) -> None:
    _case_with_people(stack)
    grievance = next(m for m in stack.workspace.messages if m.bot_id and m.channel == CHANNEL)
    _reply, delivery = stack.slack.post_message("UBEN", CHANNEL, "On it", thread_ts=grievance.ts)
    assert delivery is not None and delivery.status == 200
    stack.settle()
    with stack.db.transaction() as session:
        texts = list(
            session.scalars(select(TimelineEntry.text).where(TimelineEntry.kind == "reply"))
        )
    assert texts == ["On it"]
    assert _answers(stack) == []


# ---- nudges ----------------------------------------------------------------------------


def test_nudges_wait_for_the_delay_and_go_once_to_those_who_have_not_answered(
    stack: SandboxStack,
) -> None:
    _case_with_people(stack)
    _schedule(stack)
    occurrence_id, message = _post(stack)
    _rate(stack, "UANA", message, 0, 4)
    stack.slack.post_message("UCARLA", CHANNEL, "All good", thread_ts=message.ts)
    stack.settle()

    assert _run_nudges(stack, T0 + timedelta(minutes=239)) == 0
    assert _nudged(stack) == set()

    assert _run_nudges(stack, T0 + timedelta(minutes=240)) == 2
    assert _nudged(stack) == {"UBEN", "UDEV"}
    dm = _dms(stack, "UBEN")[-1]
    assert "gentle nudge" in dm.text
    assert f"/archives/{CHANNEL}/p{message.ts.replace('.', '')}" in dm.text
    assert not _dms(stack, "UANA") and not _dms(stack, "UCARLA")

    assert _run_nudges(stack, T0 + timedelta(minutes=300)) == 0  # nobody twice
    assert len(_dms(stack, "UBEN")) == 1
    with stack.db.transaction() as session:
        entries = list(
            session.scalars(
                select(TimelineEntry.text).where(TimelineEntry.kind == "checkin_nudged")
            )
        )
    assert entries == ["Nudged 2 people who had not answered the check-in of 2026-12-01"]
    assert occurrence_id


def test_a_nudge_waits_for_working_hours_in_the_persons_time_zone(stack: SandboxStack) -> None:
    _case_with_people(stack)
    _role(stack, "UDEV", Role.CLIENT_MEMBER, timezone="America/New_York")
    _schedule(stack)
    _post(stack)
    # 13:30 UTC: 13:30 in London, but 08:30 in New York.
    _run_nudges(stack, T0 + timedelta(hours=4))
    assert "UDEV" not in _nudged(stack) and "UBEN" in _nudged(stack)
    _run_nudges(stack, datetime(2026, 12, 1, 13, 59, tzinfo=UTC))
    assert "UDEV" not in _nudged(stack)
    _run_nudges(stack, datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # 09:00 in New York
    assert "UDEV" in _nudged(stack)


def test_someone_slack_gives_no_time_zone_is_nudged_in_the_default_zones_hours(
    stack: SandboxStack,
) -> None:
    """Slack may send a user with no ``tz`` (the emulator's erin): the operator's
    ``DEFAULT_TIMEZONE`` then decides their working hours, as the README says."""
    _case_with_people(stack)
    with stack.db.transaction() as session:
        dev = session.scalars(select(Person).where(Person.slack_user_id == "UDEV")).one()
        dev.timezone = None
    _schedule(stack)
    _post(stack)
    york = "America/New_York"
    nudges_job.run(stack.db, stack.app.client, T0 + timedelta(hours=4), default_timezone=york)
    assert "UDEV" not in _nudged(stack)  # 08:30 in New York
    nudges_job.run(
        stack.db, stack.app.client, datetime(2026, 12, 1, 14, 0, tzinfo=UTC), default_timezone=york
    )
    assert "UDEV" in _nudged(stack)


def test_a_nudge_falling_after_hours_waits_for_the_next_morning(stack: SandboxStack) -> None:
    _case_with_people(stack)
    _schedule(stack, nudge_after_minutes=10 * 60)  # 19:30 London: after hours
    _post(stack)
    assert _run_nudges(stack, T0 + timedelta(hours=10)) == 0
    assert _run_nudges(stack, datetime(2026, 12, 1, 23, 0, tzinfo=UTC)) == 0
    assert _run_nudges(stack, datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) > 0


def test_only_the_audience_is_nudged_and_never_a_bot(stack: SandboxStack) -> None:
    _case_with_people(stack)
    bot_id = stack.workspace.bot_user_id
    with stack.db.transaction() as session:  # a lead mistakenly made the bot a stakeholder
        case = session.scalars(select(Case)).one()
        ana = find_person(session=session, workspace=case.workspace, user_id="UANA")
        assert ana is not None
        bot = ensure_person(
            session=session,
            workspace=case.workspace,
            profile=Profile(user_id=bot_id, display_name="grievance-bot", external=True),
        )
        set_role(session=session, case=case, actor=ana, person=bot, role=Role.CLIENT_MEMBER)
    _schedule(stack, audience=Audience.CLIENT)
    _post(stack)
    _run_nudges(stack, T0 + timedelta(hours=4))
    assert not _dms(stack, "UANA") and not _dms(stack, "UBEN")
    assert _dms(stack, "UCARLA") and _dms(stack, "UDEV")
    assert not [c for c in stack.workspace.calls_to("conversations.open") if bot_id in str(c)]


def test_a_checkin_older_than_three_days_is_not_nudged(stack: SandboxStack) -> None:
    _case_with_people(stack)
    _schedule(stack)
    _post(stack)
    assert _run_nudges(stack, T0 + timedelta(days=3, hours=1)) == 0
    assert _nudged(stack) == set()


def test_two_runs_at_once_nudge_each_person_once(stack: SandboxStack) -> None:
    _case_with_people(stack)
    _schedule(stack)
    _post(stack)
    at = T0 + timedelta(hours=4)
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(_run_nudges(stack, at))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 4  # split between the runs somehow
    for user in ("UANA", "UBEN", "UCARLA", "UDEV"):
        assert len(_dms(stack, user)) == 1, user
