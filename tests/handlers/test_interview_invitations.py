"""Interview invitations through the real HTTP endpoint: inviting each side by DM, who may
invite and whom, DMs that can't be sent, and the coverage report.

Ana opens the case by filing a grievance in #acme-recovery, so she is its lead; Carla
(Slack Connect) and Dev (guest) are the client side, Ben the team side.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.playbook.stakeholders import set_role
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import User
from storage.models import Case, CaseMember, InterviewStatus, Person, Role
from tests.conftest import shown
from tests.handlers.interviews_helpers import (
    BEN,
    CARLA,
    DEV,
    _buttons,
    _command,
    _dms,
    _failed_calls,
    _interviews,
    _open_case,
    _open_interview,
    _shown,
    _timeline,
)

# ---- inviting ------------------------------------------------------------------------


def test_lead_invites_each_side_by_dm_with_its_own_questions(stack: SandboxStack) -> None:
    _open_case(stack)
    report = _command(stack, "UANA", f"interview {CARLA} {BEN}")

    assert "Invited by DM" in report and "*carla* (client side)" in report
    assert "*ben* (team side)" in report
    [to_carla] = _dms(stack, "UCARLA")
    [to_ben] = _dms(stack, "UBEN")
    assert "*ana*" in _shown(to_carla) and "acme-recovery" in _shown(to_carla)
    assert "What went wrong, from your point of view?" in _shown(to_carla)
    assert "What went wrong, from where you stand?" in _shown(to_ben)
    assert "from where you stand" not in _shown(to_carla)
    assert _buttons(to_carla) == _buttons(to_ben) == ["Start the interview"]

    interviews = _interviews(stack)
    assert {k: i.status for k, i in interviews.items()} == {
        "UCARLA": InterviewStatus.INVITED,
        "UBEN": InterviewStatus.INVITED,
    }
    assert (interviews["UCARLA"].dm_channel, interviews["UCARLA"].dm_ts) == (
        to_carla.channel,
        to_carla.ts,
    )
    with stack.db.transaction() as session:
        roles = {
            m.person.slack_user_id: m.role
            for m in session.scalars(select(CaseMember).options(selectinload(CaseMember.person)))
        }
    assert roles["UCARLA"] is Role.CLIENT_MEMBER and roles["UBEN"] is Role.TEAM_MEMBER
    assert _timeline(stack, "interview_invited") == [
        "carla invited to an interview (client side)",
        "ben invited to an interview (team side)",
    ]
    assert _failed_calls(stack) == []


def test_only_leads_invite_and_usage_without_anyone(stack: SandboxStack) -> None:
    _open_case(stack)
    refused = _command(stack, "UBEN", f"interview {CARLA}")
    assert "Only a lead of this case can invite people" in refused
    assert _interviews(stack) == {} and _dms(stack, "UCARLA") == []

    asked = _command(stack, "UANA", "interview someone")
    assert "File this as a grievance?" in asked and "`/grievance interview @a @b" in asked
    assert _interviews(stack) == {}


def test_bots_unknown_and_deactivated_people_are_named_and_the_others_invited(
    stack: SandboxStack,
) -> None:
    ws = stack.workspace
    ws.add_user(User("UHELPER", "helper-bot", "Helper Bot", ws.team_id, is_bot=True))
    ws.add_user(User("UGONE", "gone", "Gone Person", ws.team_id, deleted=True))
    _open_case(stack)

    report = _command(
        stack, "UANA", f"interview <@UHELPER|helper-bot> <@UNOPE|nope> <@UGONE|gone> {CARLA}"
    )

    assert "*helper-bot* is a bot" in report
    assert "can't find *@nope* in this workspace" in report
    assert "*gone*'s account is deactivated" in report
    assert "*carla* (client side)" in report
    assert set(_interviews(stack)) == {"UCARLA"}
    assert _dms(stack, "UHELPER") == [] and _dms(stack, "UGONE") == []


def test_reinviting_says_so_and_keeps_the_answers(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA}")
    modal = _open_interview(stack, "UCARLA")
    stack.slack.submit_view(
        "UCARLA",
        modal.id,
        {"interview_answer:1": "Exports broke", "interview_finish": "save"},
    )
    stack.settle()

    report = _command(stack, "UANA", f"interview {CARLA}")

    assert "*carla* was already invited and has started answering" in report
    assert "Invited by DM" not in report
    assert len(_dms(stack, "UCARLA")) == 1
    carla = _interviews(stack)["UCARLA"]
    assert carla.status is InterviewStatus.IN_PROGRESS
    assert carla.answers[0].answer == "Exports broke"
    assert len(_timeline(stack, "interview_invited")) == 1


def test_a_dm_that_cant_be_sent_is_reported_and_sent_on_the_next_try(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    stack.workspace.inject("conversations.open", "user_disabled")

    report = _command(stack, "UANA", f"interview {CARLA} {BEN}")

    assert "couldn't DM *carla*" in report and "`user_disabled`" in report
    assert "*ben* (team side)" in report
    assert _dms(stack, "UCARLA") == []
    assert _interviews(stack)["UCARLA"].dm_ts is None

    again = _command(stack, "UANA", f"interview {CARLA}")
    assert "Sent the invitation again to *carla*" in again
    assert len(_dms(stack, "UCARLA")) == 1
    assert _interviews(stack)["UCARLA"].dm_ts == _dms(stack, "UCARLA")[0].ts


# ---- status --------------------------------------------------------------------------


def test_status_shows_coverage_per_role_and_client_leadership_heard(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    before = _command(stack, "UANA", "interview status")
    assert "No client leaders named yet: set them with `/grievance people`" in before

    _command(stack, "UANA", f"interview {CARLA} {DEV} {BEN}")
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        by_id = {p.slack_user_id: p for p in session.scalars(select(Person))}
        for user in ("UCARLA", "UDEV"):
            set_role(
                session=session,
                case=case,
                actor=by_id["UANA"],
                person=by_id[user],
                role=Role.CLIENT_LEADER,
            )
    modal = _open_interview(stack, "UCARLA")
    stack.slack.submit_view(
        "UCARLA",
        modal.id,
        {"interview_answer:1": "Exports", "interview_anonymous": ["anonymous"]},
    )
    stack.settle()

    shown = _command(stack, "UANA", "interview status")
    assert "1 of 2 client leaders heard (50%)" in shown
    assert "Invited 3 · answered 1 · waiting 2" in shown
    assert "carla: answered (anonymous)" in shown and "dev: invited, no answer yet" in shown
    assert "*Team members*" in shown and "ben: invited, no answer yet" in shown
    assert "*Team leads*" in shown
    # Anyone on the case may look; only leads see who asked for anonymity.
    seen_by_ben = _command(stack, "UBEN", "interview status")
    assert "1 of 2 client leaders heard (50%)" in seen_by_ben
    assert "(anonymous)" not in seen_by_ben


def test_interview_alone_opens_a_form_preselecting_stakeholders_not_yet_invited(
    stack: SandboxStack,
) -> None:
    stack.slack.slash_command("UANA", "CACME", "Releases keep surprising the client")
    stack.slack.slash_command("UCARLA", "CACME", "We learn about changes from our users")
    stack.settle()
    stack.slack.slash_command("UANA", "CACME", "interview")
    stack.settle()
    [form] = stack.workspace.modal_stack("UANA")
    picker = next(b for b in form.payload["blocks"] if b.get("type") == "input")
    assert picker["element"]["initial_users"] == ["UCARLA"]  # not ana, who is inviting
    stack.slack.submit_view("UANA", form.id, {"interview_invitees": ["UCARLA", "UBEN"]})
    stack.settle()
    dms = {m.channel for m in stack.workspace.messages if m.channel.startswith("D")}
    assert dms == {stack.workspace.dm_channel_for(u).id for u in ("UCARLA", "UBEN")}
    report = stack.workspace.ephemerals[-1]
    assert report.user == "UANA" and "carla" in report.text.lower()


def test_a_lead_is_not_invited_to_interview_themselves(stack: SandboxStack) -> None:
    _open_case(stack)
    said = _command(stack, "UANA", "interview <@UANA|ana> <@UCARLA|carla>")
    assert "you lead this case, and a lead doesn't interview themselves" in said
    assert set(_interviews(stack)) == {"UCARLA"}
    assert _dms(stack, "UANA") == []


def test_only_a_lead_opens_the_invite_form(stack: SandboxStack) -> None:
    stack.slack.slash_command("UANA", "CACME", "Releases keep surprising the client")
    stack.settle()
    answer = shown(stack, "UBEN", "CACME", "interview")
    assert stack.workspace.modal_stack("UBEN") == []
    assert "lead" in answer.lower()
