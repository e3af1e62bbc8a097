"""Stakeholder roles and the findings shared with the channel."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.sandbox.stack import SandboxStack
from storage.models import (
    Case,
    CaseMember,
    Interview,
    InterviewAnswer,
    InterviewStatus,
    Person,
    Role,
    TimelineEntry,
)
from tests.conftest import shown


def _file(stack: SandboxStack, user: str, text: str) -> None:
    stack.slack.slash_command(user, "CACME", text)
    stack.settle()


def _roles(stack: SandboxStack) -> dict[str, str]:
    with stack.db.transaction() as session:
        rows = session.execute(
            select(Person.slack_user_id, CaseMember.role).join(
                CaseMember, CaseMember.person_id == Person.id
            )
        ).all()
    return {user: role.value for user, role in rows}


def _open_people_form(stack: SandboxStack, user: str = "UANA") -> str:
    stack.slack.slash_command(user, "CACME", "people")
    stack.settle()
    return stack.workspace.modal_stack(user)[-1].id


def test_people_who_file_join_with_a_role_from_their_profile(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The release train keeps slipping")
    _file(stack, "UCARLA", "We hear about outages from our own customers first")
    _file(stack, "UDEV", "Invoices arrive without any breakdown")
    assert _roles(stack) == {
        "UANA": "team_lead",
        "UCARLA": "client_member",
        "UDEV": "client_member",
    }


def test_a_lead_sets_roles_in_the_form_and_changes_go_on_the_timeline(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "The release train keeps slipping")
    view_id = _open_people_form(stack)
    modal = stack.workspace.views[view_id]
    assert [b["block_id"] for b in modal.payload["blocks"][1:5]] == [r.value for r in Role]
    stack.slack.submit_view(
        "UANA",
        view_id,
        {
            "client_leader": ["UCARLA"],
            "client_member": ["UDEV"],
            "team_lead": ["UANA"],
            "team_member": ["UBEN"],
        },
    )
    stack.settle()
    assert _roles(stack) == {
        "UANA": "team_lead",
        "UCARLA": "client_leader",
        "UDEV": "client_member",
        "UBEN": "team_member",
    }
    with stack.db.transaction() as session:
        texts = list(
            session.scalars(select(TimelineEntry.text).where(TimelineEntry.kind == "role_changed"))
        )
    assert any("to client leader" in t and "carla" in t.lower() for t in texts)
    reopened = stack.workspace.views[_open_people_form(stack)]
    leader_input = reopened.payload["blocks"][1]["element"]
    assert leader_input["initial_users"] == ["UCARLA"]


def test_someone_in_two_roles_is_refused_inline(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The release train keeps slipping")
    view_id = _open_people_form(stack)
    stack.slack.submit_view(
        "UANA", view_id, {"client_leader": ["UCARLA"], "client_member": ["UCARLA"]}
    )
    stack.settle()
    modal = stack.workspace.views[view_id]
    assert "two roles" in json.dumps(modal.errors)
    assert stack.workspace.modal_stack("UANA")[-1].id == view_id


def test_only_a_lead_opens_the_people_form(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The release train keeps slipping")
    answer = shown(stack, "UBEN", "CACME", "people")
    assert "Only a lead" in answer
    assert stack.workspace.modal_stack("UBEN") == []


def _interview(
    stack: SandboxStack, user: str, answers: list[tuple[str, str]], anonymous: bool = False
) -> None:
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        person = session.scalars(select(Person).where(Person.slack_user_id == user)).one()
        interview = Interview(
            case_id=case.id,
            person_id=person.id,
            anonymous=anonymous,
            status=InterviewStatus.ANSWERED,
        )
        session.add(interview)
        session.flush()
        for position, (question, answer) in enumerate(answers):
            session.add(
                InterviewAnswer(
                    interview_id=interview.id, position=position, question=question, answer=answer
                )
            )


def test_findings_show_themes_gaps_quotes_and_coverage_but_nothing_confidential(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "The release train keeps slipping")  # ana opens and leads
    view_id = _open_people_form(stack)
    stack.slack.submit_view(
        "UANA", view_id, {"client_leader": ["UCARLA", "UDEV"], "team_lead": ["UANA"]}
    )
    stack.settle()
    with stack.db.transaction() as session:
        from storage.models import Category, Grievance, Side

        case = session.scalars(select(Case)).one()
        for number, (side, severity, text, confidential) in enumerate(
            [
                (Side.CLIENT, 4, "Nobody tells us when releases happen", False),
                (Side.TEAM, 2, "Status mails went out late twice", False),
                (Side.CLIENT, 4, "SECRET: the CFO threatened to cancel", True),
            ],
            start=2,
        ):
            session.add(
                Grievance(
                    case_id=case.id,
                    number=number,
                    side=side,
                    severity=severity,
                    category=Category.COMMUNICATION,
                    text=text,
                    confidential=confidential,
                )
            )
    _interview(
        stack,
        "UCARLA",
        [
            ("What went wrong, from where you stand?", "We were surprised by every release"),
            ("How will you judge success?", "No surprise releases for a quarter"),
        ],
        anonymous=True,
    )
    answer = shown(stack, "UANA", "CACME", "findings")
    stack.settle()
    assert "Sharing the findings" in answer
    post = stack.workspace.messages[-1]
    rendered = json.dumps(post.blocks, ensure_ascii=False)
    assert post.channel == "CACME" and not post.thread_ts
    assert "Communication*: 2 grievance(s), 0 interview(s)" in rendered
    assert (
        "*Communication*: client side severity 4.0 (1 grievance) · "
        "team side severity 2.0 (1 grievance) :warning: _seen differently_"
    ) in rendered
    # Carla is the only one who answered anonymously: anything of hers would point at her.
    assert "surprise" not in rendered.lower() and "carla" not in rendered.lower()
    assert "only the team side has spoken on other: severity 2.0 (1 grievance)" in rendered
    assert "a client leader" not in rendered
    assert "1 anonymous answer is held back: fewer than 3 people on that side" in rendered
    assert "Client side: fewer than three invited" in rendered
    assert "client leaders heard" not in rendered
    assert "SECRET" not in rendered and "CFO" not in rendered
    failed = [c for c in stack.workspace.calls if c.error]
    assert failed == []


def test_only_a_lead_shares_findings(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The release train keeps slipping")
    answer = shown(stack, "UCARLA", "CACME", "findings")
    assert "Only a lead" in answer
