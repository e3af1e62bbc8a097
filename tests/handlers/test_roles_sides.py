"""Roles respect sides: nobody is put on the wrong side by a role, and a lead corrects a
side only explicitly, on the record."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.sandbox.stack import SandboxStack
from storage.models import CaseLead, CaseMember, Person, TimelineEntry
from tests.conftest import shown


def _file(stack: SandboxStack, user: str, text: str) -> None:
    stack.slack.slash_command(user, "CACME", text)
    stack.settle()


def _open_people_form(stack: SandboxStack, user: str = "UANA") -> str:
    stack.slack.slash_command(user, "CACME", "people")
    stack.settle()
    return stack.workspace.modal_stack(user)[-1].id


def _submit(stack: SandboxStack, answers: dict[str, object], user: str = "UANA") -> str:
    view_id = _open_people_form(stack, user)
    stack.slack.submit_view(user, view_id, answers)
    stack.settle()
    return view_id


def _errors(stack: SandboxStack, view_id: str) -> dict[str, str]:
    return dict(stack.workspace.views[view_id].errors)


def _roles(stack: SandboxStack) -> dict[str, str]:
    with stack.db.transaction() as session:
        rows = session.execute(
            select(Person.slack_user_id, CaseMember.role).join(
                CaseMember, CaseMember.person_id == Person.id
            )
        ).all()
    return {user: role.value for user, role in rows}


def _side(stack: SandboxStack, user: str) -> str:
    with stack.db.transaction() as session:
        person = session.scalars(select(Person).where(Person.slack_user_id == user)).one()
        return person.side.value


def _said_to(stack: SandboxStack, user: str) -> str:
    return "\n".join(e.text for e in stack.workspace.ephemerals if e.user == user)


def _started(stack: SandboxStack) -> None:
    """ana opens the case; carla (Slack Connect client) files too, so the bot knows her."""
    _file(stack, "UANA", "The release train keeps slipping")
    _file(stack, "UCARLA", "We hear about outages from our own customers first")


def test_a_client_cannot_be_made_team_lead_and_so_never_leads(stack: SandboxStack) -> None:
    _started(stack)
    view_id = _submit(stack, {"team_lead": ["UANA", "UCARLA"], "client_member": []})
    errors = _errors(stack, view_id)
    assert "carla" in errors["team_lead"] and "client side" in errors["team_lead"]
    assert "<@" not in json.dumps(errors)
    assert stack.workspace.modal_stack("UANA")[-1].id == view_id
    assert _roles(stack)["UCARLA"] == "client_member"
    assert _side(stack, "UCARLA") == "client"

    answer = shown(stack, "UANA", "CACME", "lead <@UCARLA|carla>")
    assert "client side" in answer and "leads come from the delivery team" in answer
    with stack.db.transaction() as session:
        assert session.scalars(select(CaseLead.person_id)).all() == [
            session.scalars(select(Person.id).where(Person.slack_user_id == "UANA")).one()
        ]


def test_a_team_member_cannot_be_made_a_client_leader(stack: SandboxStack) -> None:
    _started(stack)
    _file(stack, "UBEN", "Our estimates were off")
    view_id = _submit(stack, {"client_leader": ["UBEN"], "team_lead": ["UANA"], "team_member": []})
    error = _errors(stack, view_id)["client_leader"]
    assert "ben" in error and "delivery team" in error and "client leader" in error
    assert _roles(stack)["UBEN"] == "team_member"
    assert _side(stack, "UBEN") == "team"


def test_someone_the_bot_never_met_is_checked_once_slack_says_who_they_are(
    stack: SandboxStack,
) -> None:
    _file(stack, "UANA", "The release train keeps slipping")
    _submit(stack, {"team_member": ["UDEV"], "team_lead": ["UANA"]})
    told = _said_to(stack, "UANA")
    assert "client side" in told and "team member" in told and "<@" not in told
    assert "UDEV" not in _roles(stack)


def test_a_lead_corrects_a_side_explicitly_and_the_timeline_says_who(stack: SandboxStack) -> None:
    _started(stack)
    _submit(
        stack,
        {
            "team_lead": ["UANA"],
            "client_member": [],
            "team_member": ["UCARLA"],
            "side_person": "UCARLA",
            "side": "team",
        },
    )
    assert _side(stack, "UCARLA") == "team"
    assert _roles(stack)["UCARLA"] == "team_member"
    with stack.db.transaction() as session:
        entry = session.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == "side_corrected")
        ).one()
        assert entry.author is not None and entry.author.slack_user_id == "UANA"
        assert "from the client side to the delivery team" in entry.text
    form = stack.workspace.views[_open_people_form(stack)]
    shown = next(
        b["text"]["text"]
        for b in form.payload["blocks"]
        if "Delivery team:" in json.dumps(b) and b["type"] == "section"
    )
    client, team = shown.splitlines()
    assert team == "*Delivery team:* ana (lead), carla"
    assert client == "*Client side:* nobody yet"


def test_correcting_a_lead_to_the_client_side_ends_their_lead(stack: SandboxStack) -> None:
    _started(stack)
    stack.slack.slash_command("UANA", "CACME", "lead <@UBEN|ben>")
    _submit(stack, {"team_lead": ["UANA"], "side_person": "UBEN", "side": "client"})
    assert _side(stack, "UBEN") == "client"
    with stack.db.transaction() as session:
        kinds = session.scalars(select(TimelineEntry.kind)).all()
        leads = session.scalars(select(CaseLead)).all()
    assert "lead_removed" in kinds and len(leads) == 1
    answer = shown(stack, "UBEN", "CACME", "people")
    assert "Only a lead" in answer


def test_the_side_correction_needs_both_halves_and_not_yourself(stack: SandboxStack) -> None:
    _started(stack)
    view_id = _submit(stack, {"team_lead": ["UANA"], "side_person": "UCARLA"})
    assert "which side" in _errors(stack, view_id)["side"]
    stack.workspace.close_modal("UANA", view_id)
    view_id = _submit(stack, {"team_lead": ["UANA"], "side_person": "UANA", "side": "client"})
    assert "your own side" in _errors(stack, view_id)["side_person"]
    assert _side(stack, "UANA") == "team"


def test_someone_in_two_roles_is_named_not_mentioned(stack: SandboxStack) -> None:
    _started(stack)
    view_id = _submit(stack, {"client_leader": ["UCARLA"], "client_member": ["UCARLA"]})
    error = _errors(stack, view_id)["client_member"]
    assert error.startswith("carla") and "two roles" in error


def test_adding_one_lead_reads_as_a_sentence(stack: SandboxStack) -> None:
    _started(stack)
    answer = shown(stack, "UANA", "CACME", "lead <@UBEN|ben>")
    assert "now leads this case." in answer
    again = shown(stack, "UANA", "CACME", "lead <@UBEN|ben>")
    assert "already leads this case." in again
