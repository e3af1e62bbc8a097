"""Case health through the real HTTP endpoint: rescored by every change that moves it,
silence reported to the leads once, ``/grievance status`` and the App Home.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.jobs import checkins as checkins_job
from bot.jobs import nudges as nudges_job
from bot.playbook import checkins
from bot.playbook.checkins import Question, ScheduleDraft
from bot.playbook.health import snapshots as health_snapshots
from bot.playbook.people import Profile, ensure_person, find_person
from bot.playbook.stakeholders import set_role
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.models import (
    Case,
    CheckinOccurrence,
    Grievance,
    HealthSnapshot,
    Notice,
    Role,
    Side,
    TimelineEntry,
)

CHANNEL = "CACME"
#: Tuesday 1 December 2026, 09:30 in London (UTC+0 in winter).
T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SILENCE_LINE = "has not answered the last two check-ins"


# ---- helpers ---------------------------------------------------------------------------


def _file(stack: SandboxStack, user: str, text: str) -> Message:
    assert stack.slack.slash_command(user, CHANNEL, text).status == 200
    stack.settle()
    return [m for m in stack.workspace.messages if m.channel == CHANNEL and m.bot_id][-1]


def _scores(stack: SandboxStack) -> list[int]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(HealthSnapshot.score).order_by(HealthSnapshot.id)))


def _latest_points(stack: SandboxStack) -> dict[str, float]:
    with stack.db.transaction() as session:
        snapshot = session.scalars(
            select(HealthSnapshot).order_by(HealthSnapshot.id.desc())
        ).first()
        assert snapshot is not None
        return dict(json.loads(snapshot.components)["points"])


def _command(stack: SandboxStack, user: str, text: str, channel: str = CHANNEL) -> str:
    """What ``user`` sees in answer to ``/grievance <text>``."""
    before = len([e for e in stack.workspace.ephemerals if e.user == user])
    assert stack.slack.slash_command(user, channel, text).status == 200
    stack.settle()
    shown = [e for e in stack.workspace.ephemerals if e.user == user][before:]
    return "\n".join(e.text + json.dumps(e.blocks, ensure_ascii=False) for e in shown)


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    channel = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _people(stack: SandboxStack) -> None:
    """Carla leads the client; Ben is on the team."""
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ana = find_person(session=session, workspace=case.workspace, user_id="UANA")
        assert ana is not None
        for user_id, role in (("UCARLA", Role.CLIENT_LEADER), ("UBEN", Role.TEAM_MEMBER)):
            person = ensure_person(
                session=session,
                workspace=case.workspace,
                profile=Profile(
                    user_id=user_id,
                    display_name=user_id[1:].lower(),
                    external=role.side is Side.CLIENT,
                ),
            )
            set_role(session=session, case=case, actor=ana, person=person, role=role)


def _schedule_and_post_twice(stack: SandboxStack) -> list[Message]:
    """A weekday check-in posted on Tuesday and Wednesday."""
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ana = find_person(session=session, workspace=case.workspace, user_id="UANA")
        assert ana is not None
        draft = ScheduleDraft(
            days=(0, 1, 2, 3, 4),
            time_of_day="09:30",
            timezone="Europe/London",
            questions=[Question(kind="rating", text="How are we doing?")],
        )
        checkins.create(
            session=session, case=case, actor=ana, draft=draft, now=T0 - timedelta(minutes=5)
        )
    posted = []
    for at in (T0, T0 + timedelta(days=1)):
        checkins_job.run(stack.db, stack.app.client, at)
        with stack.db.transaction() as session:
            occurrence = session.scalars(
                select(CheckinOccurrence).order_by(CheckinOccurrence.id.desc())
            ).first()
            assert occurrence is not None and occurrence.slack_ts
            found = stack.workspace.find_message(CHANNEL, occurrence.slack_ts)
            assert found is not None
            posted.append(found)
    return posted


# ---- recomputed on every change ---------------------------------------------------------


def test_filing_and_resolving_grievances_recompute_health_through_the_hook(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "The export broke again")
    first = _scores(stack)
    assert len(first) == 1 and 0 < first[0] <= 100

    second = _file(stack, "UANA", "And the staging server is down")
    assert len(_scores(stack)) == 2 and _scores(stack)[-1] < first[0]

    stack.slack.click("UANA", "grievance_set_status:resolved", message=(CHANNEL, second.ts))
    stack.settle()
    with stack.db.transaction() as session:
        assert session.scalars(select(Grievance.status).where(Grievance.number == 2)).one() == (
            "resolved"
        )
    assert _scores(stack)[-1] == first[0]  # back where it was with one grievance open


def test_a_broken_health_computation_never_loses_a_grievance(
    stack: SandboxStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_kwargs: object) -> None:
        raise RuntimeError("bug in the score")

    monkeypatch.setattr(health_snapshots, "recompute", broken)  # what ``rescore`` calls
    _file(stack, "UANA", "The export broke again")
    with stack.db.transaction() as session:
        assert session.scalars(select(Grievance.text)).all() == ["The export broke again"]
    assert _scores(stack) == []


# ---- silence ----------------------------------------------------------------------------


def test_a_silent_client_leader_lowers_the_score_and_each_lead_is_told_once(
    stack: SandboxStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    _file(stack, "UANA", "The export broke again")
    _people(stack)
    tuesday, wednesday = _schedule_and_post_twice(stack)
    for message in (tuesday, wednesday):  # Ben answers; Carla says nothing
        stack.slack.click("UBEN", "checkin_rate:0:4", message=(CHANNEL, message.ts))
        stack.settle()

    thursday = T0 + timedelta(days=2, minutes=1)
    nudges_job.run(stack.db, stack.app.client, thursday, default_timezone="UTC")
    alerts = [m for m in _dms(stack, "UANA") if SILENCE_LINE in m.text]
    assert len(alerts) == 1
    assert "*carla*" in alerts[0].text and f"<#{CHANNEL}>" in alerts[0].text
    assert not [m for m in _dms(stack, "UBEN") if SILENCE_LINE in m.text]  # not a lead
    assert _latest_points(stack)["silence"] == -10

    nudges_job.run(stack.db, stack.app.client, thursday + timedelta(hours=2))
    assert len([m for m in _dms(stack, "UANA") if SILENCE_LINE in m.text]) == 1  # said once
    with stack.db.transaction() as session:
        notices = session.scalars(select(Notice).where(Notice.kind == "silence")).all()
        assert len(notices) == 1
        entry = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "silence_noticed")
        ).one()
        assert entry.confidential

    stack.advance(thursday)  # the bot's clock, as the sandbox moves it
    for_ben = _command(stack, "UBEN", "status")
    # Carla is the only client leader: "a client leader" would name her to everyone.
    assert "Silence on the last two check-ins costs points; the leads know more" in for_ben
    assert "carla" not in for_ben and "client leader" not in for_ben
    for_ana = _command(stack, "UANA", "status")
    assert "*carla* (client leader) has not answered" in for_ana


def test_a_leader_who_answers_either_checkin_is_not_silent(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The export broke again")
    _people(stack)
    _tuesday, wednesday = _schedule_and_post_twice(stack)
    stack.slack.click("UCARLA", "checkin_rate:0:2", message=(CHANNEL, wednesday.ts))
    stack.settle()
    nudges_job.run(stack.db, stack.app.client, T0 + timedelta(days=2, minutes=1))
    assert not [m for m in _dms(stack, "UANA") if SILENCE_LINE in m.text]
    assert "silence" not in _latest_points(stack)
    assert "client_confidence" in _latest_points(stack)


# ---- where it shows ---------------------------------------------------------------------


def test_status_shows_the_score_its_trend_and_why(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The export broke again")
    shown = _command(stack, "UBEN", "status")
    assert "Health · acme-recovery" in shown
    assert f"Health *{_scores(stack)[-1]}*/100" in shown
    assert "1 open grievance, the most severe 2/4" in shown
    assert "No recovery strategy proposed yet" in shown
    assert "Points: " in shown


def test_status_without_a_case_says_how_one_opens(stack: SandboxStack) -> None:
    assert "no case in this channel yet" in _command(stack, "UANA", "status", channel="CINTERNAL")


def test_app_home_shows_the_health_score_and_trend(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The export broke again")
    _file(stack, "UANA", "And the staging server is down")
    assert stack.slack.open_home("UANA").status == 200
    stack.settle()
    view = stack.workspace.views[stack.workspace.home_views["UANA"]]
    shown = json.dumps(view.payload["blocks"], ensure_ascii=False)
    scores = _scores(stack)
    assert f"Health *{scores[-1]}*/100" in shown
    assert f"↓ {scores[-1] - scores[-2]:+d} since" in shown
