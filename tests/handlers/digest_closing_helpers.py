"""Helpers for the digest and closing tests: the seeded case, what the bot posted and
DMed, and a closable case closed through its form.

Seeded data sits around a chosen ``NOW`` (a Friday at 16:00 UTC, the default digest
time) so every number in the digest can be checked; jobs are driven with that clock.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.ids import ClosingField
from bot.playbook import grievances
from bot.playbook import strategy as strategy_playbook
from bot.playbook.people import Profile, ensure_person, find_person
from bot.playbook.stakeholders import set_role
from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.models import (
    Audience,
    Case,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    Grievance,
    HealthSnapshot,
    OccurrenceStatus,
    Person,
    Role,
    Side,
    Stage,
    Status,
    Strategy,
    StrategyStatus,
    TimelineEntry,
)
from tests.conftest import shown

CHANNEL = "CACME"
NOW = datetime(2030, 3, 15, 16, 0, tzinfo=UTC)  # a Friday
PNG = b"\x89PNG\r\n\x1a\n"
QUESTION = "How confident are you in our releases?"


def _command(stack: SandboxStack, user: str, text: str) -> str:
    return shown(stack, user, CHANNEL, text)


def _person(session: Any, case: Case, user_id: str) -> Person:
    return find_person(session=session, workspace=case.workspace, user_id=user_id) or (
        ensure_person(
            session=session,
            workspace=case.workspace,
            profile=Profile(
                user_id=user_id,
                display_name=user_id[1:].lower(),
                external=user_id in {"UCARLA", "UDEV"},  # the demo's client side
            ),
        )
    )


def _open_case(stack: SandboxStack) -> None:
    """Ana opens the case; Carla leads the client side, Dev and Ben are members."""
    _command(stack, "UANA", "The invoice export broke twice this month")
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ana = _person(session, case, "UANA")
        for user_id, role in (
            ("UCARLA", Role.CLIENT_LEADER),
            ("UDEV", Role.CLIENT_MEMBER),
            ("UANA", Role.TEAM_LEAD),
            ("UBEN", Role.TEAM_MEMBER),
        ):
            set_role(
                session=session,
                case=case,
                actor=ana,
                person=_person(session, case, user_id),
                role=role,
            )


def _grievance(session: Any, case: Case, number: int, **columns: Any) -> Grievance:
    grievance = Grievance(
        case_id=case.id,
        number=number,
        side=columns.pop("side", Side.TEAM),
        text=columns.pop("text", f"Grievance {number}"),
        **columns,
    )
    session.add(grievance)
    session.flush()
    return grievance


def _resolve(session: Any, grievance: Grievance, actor: Person, at: datetime) -> None:
    grievances.change_status(session=session, grievance=grievance, actor=actor, new=Status.RESOLVED)
    entry = session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.grievance_id == grievance.id)
        .order_by(TimelineEntry.id.desc())
    ).first()
    entry.created_at = at


def _occurrence(session: Any, schedule: CheckinSchedule, due_at: datetime) -> CheckinOccurrence:
    occurrence = CheckinOccurrence(
        schedule_id=schedule.id, due_at=due_at, status=OccurrenceStatus.POSTED
    )
    session.add(occurrence)
    session.flush()
    return occurrence


def _rate(session: Any, occurrence: CheckinOccurrence, person: Person, rating: int) -> None:
    session.add(
        CheckinAnswer(
            occurrence_id=occurrence.id, person_id=person.id, question_index=0, rating=rating
        )
    )


def _seed(stack: SandboxStack) -> None:
    """A case three weeks old at ``NOW`` with known grievances, check-ins and health.

    This week: #2 and #3 raised, #1 resolved (#4 is confidential and never counted).
    In all: #1, #2, #3 and #5 raised; #1 and #5 resolved; #2 and #3 open.
    Check-ins this week: two, each asking 2 client and 2 team stakeholders; the client
    side answered 2 of 4, the team 3 of 4. Confidence: 2.0 last week, 4.0 this week.
    """
    _open_case(stack)
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        case.created_at = NOW - timedelta(days=21)
        ana, ben = _person(session, case, "UANA"), _person(session, case, "UBEN")
        carla, dev = _person(session, case, "UCARLA"), _person(session, case, "UDEV")
        first = session.scalars(select(Grievance).where(Grievance.number == 1)).one()
        first.created_at = NOW - timedelta(days=10)
        _resolve(session, first, ana, NOW - timedelta(days=2))
        _grievance(session, case, 2, side=Side.CLIENT, created_at=NOW - timedelta(days=3))
        _grievance(session, case, 3, created_at=NOW - timedelta(days=2), status=Status.ACKNOWLEDGED)
        _grievance(session, case, 4, created_at=NOW - timedelta(days=1), confidential=True)
        old = _grievance(session, case, 5, created_at=NOW - timedelta(days=15))
        _resolve(session, old, ana, NOW - timedelta(days=12))
        proposal = strategy_playbook.propose(
            session=session,
            case=case,
            author=ana,
            draft=strategy_playbook.parse_draft(
                summary="Stabilise the export",
                actions="Fix the export\nWeekly release notes",
                grievance_ids=[],
                measures="",
            ),
        )
        proposal.strategy.actions[0].done_at = NOW - timedelta(days=1)
        schedule = CheckinSchedule(
            case_id=case.id,
            channel_id=CHANNEL,
            days="mon-fri",
            anchor=date(2030, 2, 25),
            time_of_day="09:30",
            timezone="Europe/London",
            audience=Audience.EVERYONE,
            questions=json.dumps(
                [{"kind": "rating", "text": QUESTION}, {"kind": "text", "text": "Anything else?"}]
            ),
            checked_until=NOW,
        )
        session.add(schedule)
        session.flush()
        last_week = _occurrence(session, schedule, NOW - timedelta(days=10))
        _rate(session, last_week, carla, 2)
        _rate(session, last_week, dev, 2)
        monday = _occurrence(session, schedule, NOW - timedelta(days=4, hours=6, minutes=30))
        _rate(session, monday, carla, 4)
        _rate(session, monday, ana, 3)
        session.add(
            CheckinAnswer(occurrence_id=monday.id, person_id=ben.id, question_index=1, text="ok")
        )
        wednesday = _occurrence(session, schedule, NOW - timedelta(days=2, hours=6, minutes=30))
        _rate(session, wednesday, carla, 1)
        session.flush()
        _rate(session, wednesday, carla, 5)  # she changed her mind: the latest counts
        _rate(session, wednesday, ana, 4)
    with stack.db.transaction() as session:  # a known health history
        session.execute(delete(HealthSnapshot))
        case = session.scalars(select(Case)).one()
        for days, score in ((20, 30), (10, 40)):
            session.add(
                HealthSnapshot(case_id=case.id, score=score, computed_at=NOW - timedelta(days=days))
            )


def _bot_posts(stack: SandboxStack, prefix: str) -> list[Message]:
    return [
        m
        for m in stack.workspace.messages
        if m.channel == CHANNEL and m.bot_id and m.text.startswith(prefix)
    ]


def _shown(message: Message) -> str:
    return message.text + "\n" + json.dumps(message.blocks, ensure_ascii=False)


def _charts(stack: SandboxStack) -> list[Any]:
    return [f for f in stack.workspace.files.values() if f.name == "digest.png"]


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    channel = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _case(stack: SandboxStack) -> Case:
    with stack.db.transaction() as session:
        return session.scalars(select(Case)).one()


def _kinds(stack: SandboxStack, kind: str) -> list[TimelineEntry]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(TimelineEntry).where(TimelineEntry.kind == kind).order_by(TimelineEntry.id)
            )
        )


def _schedules(stack: SandboxStack) -> dict[str, CheckinSchedule]:
    with stack.db.transaction() as session:
        return {s.days: s for s in session.scalars(select(CheckinSchedule))}


def _closable(stack: SandboxStack, *, approved: bool) -> None:
    """The seeded case, strategy v1 approved or not, and a schedule paused for a holiday."""
    _seed(stack)
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        strategy = session.scalars(select(Strategy)).one()
        if approved:
            strategy.status, strategy.approved_at = StrategyStatus.APPROVED, NOW
            case.stage = Stage.REWORK
        session.add(
            CheckinSchedule(
                case_id=case.id,
                channel_id=CHANNEL,
                days="mon",
                anchor=date(2030, 2, 25),
                time_of_day="10:00",
                timezone="UTC",
                questions="[]",
                paused=True,
                paused_reason="summer holidays",
            )
        )


def _close(stack: SandboxStack, outcome: str = "recovered", *, confirm: bool = True) -> Delivery:
    """Ana types ``case close`` and answers the closing form."""
    assert _command(stack, "UANA", "case close").strip() == ""
    (form,) = stack.workspace.modal_stack("UANA")
    answers: dict[str, object] = {ClosingField.OUTCOME: outcome}
    if confirm:
        answers[ClosingField.CONFIRM] = ["confirm"]
    delivery = stack.slack.submit_view("UANA", form.id, answers)
    assert delivery.status == 200, delivery.body
    stack.settle()
    return delivery


def _told(stack: SandboxStack, user: str) -> str:
    return "\n".join(e.text for e in stack.workspace.ephemerals if e.user == user)
