"""Sides never mix and anonymity holds, as the channel sees the findings and check-ins."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.playbook.checkins import load_questions
from bot.sandbox.stack import SandboxStack
from storage.models import (
    Case,
    CaseMember,
    Category,
    CheckinSchedule,
    Grievance,
    Interview,
    InterviewAnswer,
    InterviewStatus,
    Person,
    Role,
    Side,
)

CHANNEL = "CACME"
WRONG = "What went wrong, from your point of view?"
SUCCESS = "How will you judge that the recovery is a success?"


def _open_case(stack: SandboxStack) -> None:
    stack.slack.slash_command("UANA", CHANNEL, "The release train keeps slipping")
    stack.settle()


def _client(stack: SandboxStack, name: str, role: Role) -> str:
    """A client-side stakeholder who has no Slack account in the sandbox; their id."""
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        person = Person(workspace_id=case.workspace_id, display_name=name, side=Side.CLIENT)
        session.add(person)
        session.flush()
        session.add(CaseMember(case_id=case.id, person_id=person.id, role=role))
        return name


def _answered(
    stack: SandboxStack, name: str, answers: list[tuple[str, str]], *, anonymous: bool
) -> None:
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        person = session.scalars(select(Person).where(Person.display_name == name)).one()
        interview = Interview(
            case_id=case.id,
            person_id=person.id,
            anonymous=anonymous,
            status=InterviewStatus.ANSWERED,
        )
        session.add(interview)
        session.flush()
        for position, (question, answer) in enumerate(answers, start=1):
            session.add(
                InterviewAnswer(
                    interview_id=interview.id, position=position, question=question, answer=answer
                )
            )


def _grievance(stack: SandboxStack, side: Side, category: Category, severity: int) -> None:
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        number = len(session.scalars(select(Grievance)).all()) + 1
        session.add(
            Grievance(
                case_id=case.id,
                number=number,
                side=side,
                category=category,
                severity=severity,
                text=f"{category.value} trouble",
            )
        )


def _findings(stack: SandboxStack) -> str:
    stack.slack.slash_command("UANA", CHANNEL, "findings")
    stack.settle()
    return json.dumps(stack.workspace.messages[-1].blocks, ensure_ascii=False)


@pytest.mark.parametrize(
    ("roles", "shown_as"),
    [
        ((Role.CLIENT_LEADER,), None),
        ((Role.CLIENT_LEADER, Role.CLIENT_LEADER), None),
        (
            (Role.CLIENT_LEADER, Role.CLIENT_LEADER, Role.CLIENT_MEMBER),
            "someone on the client side",
        ),
        ((Role.CLIENT_LEADER,) * 3, "a client leader"),
    ],
    ids=["one leader", "two leaders", "three on the client side", "three leaders"],
)
def test_anonymous_answers_show_only_among_three_or_more(
    stack: SandboxStack, roles: tuple[Role, ...], shown_as: str | None
) -> None:
    _open_case(stack)
    for n, role in enumerate(roles, start=1):
        _client(stack, f"Client{n}", role)
        _answered(stack, f"Client{n}", [(WRONG, f"Secret worry number {n}")], anonymous=True)

    shown = _findings(stack)

    assert "Client1" not in shown and "Client2" not in shown
    if shown_as is None:  # one or two: any role or side would point at them
        assert "Secret worry" not in shown
        assert "a client leader" not in shown and "someone on the client side" not in shown
        assert f"{len(roles)} anonymous answer" in shown and "held back" in shown
        assert "Client leaders:" not in shown and "client leaders heard" not in shown
        assert "Client side: fewer than three invited" in shown
    else:
        for n in range(1, len(roles) + 1):
            assert f"> Secret worry number {n}\\n— {shown_as}" in shown
        assert "held back" not in shown
    if roles == (Role.CLIENT_LEADER,) * 3:
        assert "Client leaders: 3 of 3 invited answered" in shown
        assert "3 of 3 client leaders heard (100%)" in shown
    if shown_as == "someone on the client side":
        assert "Client side: 3 of 3 invited answered" in shown
        assert "Client leaders:" not in shown


def test_the_team_s_words_are_never_the_client_s(stack: SandboxStack) -> None:
    _open_case(stack)
    _client(stack, "Clara", Role.CLIENT_LEADER)
    _answered(stack, "Clara", [(SUCCESS, "Exports run every night")], anonymous=False)
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        ben = session.scalars(select(Person).where(Person.slack_user_id == "UBEN")).first()
        if ben is None:
            ben = Person(workspace_id=case.workspace_id, slack_user_id="UBEN", display_name="ben")
            session.add(ben)
            session.flush()
        session.add(CaseMember(case_id=case.id, person_id=ben.id, role=Role.TEAM_MEMBER))
    _answered(stack, "ben", [(SUCCESS, "Velocity back to forty points")], anonymous=False)
    _grievance(stack, Side.CLIENT, Category.TIMELINE, 4)
    _grievance(stack, Side.TEAM, Category.TIMELINE, 1)
    _grievance(stack, Side.CLIENT, Category.QUALITY, 3)

    shown = _findings(stack)

    client_part = shown[shown.index("How the client measures success") :]
    client_part = client_part[: client_part.index('"type"')]
    assert "Exports run every night" in client_part and "Velocity" not in client_part
    assert "What the team side said" in shown
    assert "The team measures success by: Velocity back to forty points" in shown
    assert (
        "*Timeline*: client side severity 4.0 (1 grievance) · "
        "team side severity 1.0 (1 grievance) :warning: _seen differently_"
    ) in shown
    assert "only the client side has spoken on quality" in shown

    stack.slack.slash_command("UANA", CHANNEL, "checkin every monday at 10:00")
    stack.settle()
    with stack.db.transaction() as session:
        schedule = session.scalars(select(CheckinSchedule)).one()
        questions = [q.text for q in load_questions(schedule.questions)]
    assert any("you said success means Exports run every night" in q for q in questions)
    assert not [q for q in questions if "Velocity" in q]
