"""Interviews through the real HTTP endpoint: invitations by DM, answering in a modal,
reminders from the job, the question editor, and the coverage report.

Ana opens the case by filing a grievance in #acme-recovery, so she is its lead; Carla
(Slack Connect) and Dev (guest) are the client side, Ben the team side.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.jobs import interview_reminders
from bot.playbook.interviews import DEFAULT_QUESTIONS
from bot.playbook.stakeholders import set_role
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Ephemeral, Message, User, View
from storage.models import (
    Case,
    CaseMember,
    Interview,
    InterviewStatus,
    Person,
    Role,
    Side,
    TimelineEntry,
)
from tests.conftest import shown

CARLA = "<@UCARLA|carla>"
BEN = "<@UBEN|ben>"
DEV = "<@UDEV|dev>"


# ---- helpers ---------------------------------------------------------------------------


def _open_case(stack: SandboxStack) -> None:
    """Ana files the first grievance in #acme-recovery: she leads the case."""
    stack.slack.slash_command("UANA", "CACME", "The invoice export broke again")
    stack.settle()


def _command(stack: SandboxStack, user: str, text: str) -> str:
    """Run ``/grievance <text>`` in #acme-recovery; what the user sees in answer."""
    return shown(stack, user, "CACME", text)


def _ephemerals(stack: SandboxStack, user: str) -> list[Ephemeral]:
    return [e for e in stack.workspace.ephemerals if e.user == user]


def _shown(item: Message | Ephemeral) -> str:
    return item.text + "\n" + json.dumps(item.blocks, ensure_ascii=False)


def _dms(stack: SandboxStack, user: str) -> list[Message]:
    """What the bot posted in its DM with ``user``, oldest first."""
    channel = stack.workspace.dm_channel_for(user).id
    return [m for m in stack.workspace.messages if m.channel == channel and m.bot_id]


def _interviews(stack: SandboxStack) -> dict[str, Interview]:
    """Interviews by the person's Slack id, answers loaded."""
    with stack.db.transaction() as session:
        found = session.scalars(
            select(Interview).options(
                selectinload(Interview.answers), selectinload(Interview.person)
            )
        ).all()
        return {i.person.slack_user_id or "": i for i in found}


def _timeline(stack: SandboxStack, kind: str) -> list[str]:
    with stack.db.transaction() as session:
        return list(
            session.scalars(
                select(TimelineEntry.text)
                .where(TimelineEntry.kind == kind)
                .order_by(TimelineEntry.id)
            )
        )


def _buttons(message: Message) -> list[str]:
    return [
        e["text"]["text"]
        for b in message.blocks
        if b["type"] == "actions"
        for e in b.get("elements", [])
    ]


def _modal(stack: SandboxStack, user: str) -> View:
    modals = stack.workspace.modal_stack(user)
    assert modals, f"{user} has no modal open"
    return modals[-1]


def _labels(view: View) -> list[str]:
    return [
        b["label"]["text"]
        for b in view.payload["blocks"]
        if b["type"] == "input" and b["block_id"].startswith("interview_answer:")
    ]


def _open_interview(stack: SandboxStack, user: str) -> View:
    """The person presses the button of their invitation DM."""
    dm = _dms(stack, user)[0]
    stack.slack.click(user, "interview_open", message=(dm.channel, dm.ts))
    stack.settle()
    return _modal(stack, user)


def _failed_calls(stack: SandboxStack) -> list[tuple[str, str | None]]:
    return [(c.method, c.error) for c in stack.workspace.calls if c.error]


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


# ---- answering -----------------------------------------------------------------------


def test_save_and_come_back_keeps_answers_then_finishing_marks_answered(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA}")

    modal = _open_interview(stack, "UCARLA")
    assert _labels(modal) == list(DEFAULT_QUESTIONS[Side.CLIENT])
    assert modal.payload["title"]["text"] == "Interview"
    stack.slack.submit_view(
        "UCARLA",
        modal.id,
        {
            "interview_answer:1": "The export broke twice",
            "interview_answer:3": "A month without manual fixes",
            "interview_finish": "Save and come back later",
        },
    )
    stack.settle()

    assert stack.workspace.modal_stack("UCARLA") == []
    carla = _interviews(stack)["UCARLA"]
    assert carla.status is InterviewStatus.IN_PROGRESS and carla.answered_at is None
    assert [a.answer for a in carla.answers][:3] == [
        "The export broke twice",
        "",
        "A month without manual fixes",
    ]
    [dm] = _dms(stack, "UCARLA")  # updated in place
    assert dm.edited and _buttons(dm) == ["Continue"] and "2 of 5 answered" in _shown(dm)
    assert _timeline(stack, "interview_answered") == []

    modal = _open_interview(stack, "UCARLA")
    prefilled = {
        b["block_id"]: b["element"].get("initial_value")
        for b in modal.payload["blocks"]
        if b["type"] == "input"
    }
    assert prefilled["interview_answer:1"] == "The export broke twice"
    assert prefilled["interview_answer:3"] == "A month without manual fixes"
    stack.slack.submit_view(
        "UCARLA",
        modal.id,
        {
            "interview_answer:2": "Invoices on time",
            "interview_anonymous": ["anonymous"],
            "interview_finish": "done",
        },
    )
    stack.settle()

    carla = _interviews(stack)["UCARLA"]
    assert carla.status is InterviewStatus.ANSWERED and carla.answered_at is not None
    assert carla.anonymous is True
    assert [a.answer for a in carla.answers][:3] == [
        "The export broke twice",
        "Invoices on time",
        "A month without manual fixes",
    ]
    assert [a.question for a in carla.answers] == list(DEFAULT_QUESTIONS[Side.CLIENT])
    [dm] = _dms(stack, "UCARLA")
    assert "Answered (3 of 5)" in _shown(dm) and _buttons(dm) == ["Edit your answers"]
    # Not even her role: as the only client member, "a client member" would be Carla.
    assert _timeline(stack, "interview_answered") == ["An interview was answered anonymously"]
    assert _failed_calls(stack) == []


def test_finishing_with_nothing_answered_is_refused_inline(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {BEN}")
    modal = _open_interview(stack, "UBEN")

    stack.slack.submit_view("UBEN", modal.id, {"interview_finish": "done"})
    stack.settle()

    still_open = _modal(stack, "UBEN")
    assert set(still_open.errors) == {"interview_finish"}
    assert _interviews(stack)["UBEN"].status is InterviewStatus.INVITED


def test_a_named_answer_is_recorded_under_the_persons_name(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {BEN}")
    modal = _open_interview(stack, "UBEN")
    stack.slack.submit_view("UBEN", modal.id, {"interview_answer:1": "Scope creep"})
    stack.settle()
    assert _timeline(stack, "interview_answered") == ["ben answered the interview"]
    assert _interviews(stack)["UBEN"].anonymous is False


# ---- reminders -----------------------------------------------------------------------


def _invited_at(stack: SandboxStack, user: str) -> datetime:
    invited = _interviews(stack)[user].invited_at
    return invited if invited.tzinfo else invited.replace(tzinfo=UTC)


def test_one_reminder_after_the_cases_hours_and_none_for_those_who_answered(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA} {BEN}")
    modal = _open_interview(stack, "UBEN")
    stack.slack.submit_view("UBEN", modal.id, {"interview_answer:1": "Scope creep"})
    stack.settle()
    due = _invited_at(stack, "UCARLA") + timedelta(hours=48, minutes=1)
    client = stack.app.client

    assert interview_reminders.run(stack.db, client, due - timedelta(minutes=2)) == 0
    assert interview_reminders.run(stack.db, client, due) == 1
    assert interview_reminders.run(stack.db, client, due + timedelta(days=3)) == 0

    invitation, reminder = _dms(stack, "UCARLA")
    assert "reminder" in _shown(reminder) and "2 days" in _shown(reminder)
    assert _buttons(reminder) == ["Start the interview"]
    assert len(_dms(stack, "UBEN")) == 1
    assert _timeline(stack, "interview_reminded") == ["carla reminded of the interview"]
    assert _interviews(stack)["UCARLA"].dm_ts == invitation.ts  # saves still update the invitation


def test_two_runs_at_once_remind_once(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA} {DEV}")
    due = _invited_at(stack, "UCARLA") + timedelta(hours=49)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(interview_reminders.run(stack.db, stack.app.client, due))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sum(counts) == 2  # one each for Carla and Dev, whichever run sent it
    assert len(_dms(stack, "UCARLA")) == len(_dms(stack, "UDEV")) == 2
    assert len(_timeline(stack, "interview_reminded")) == 2


def test_a_failing_reminder_does_not_stop_the_others(stack: SandboxStack) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {CARLA} {DEV}")
    stack.workspace.inject("chat.postMessage", "channel_not_found")
    due = _invited_at(stack, "UCARLA") + timedelta(hours=49)

    assert interview_reminders.run(stack.db, stack.app.client, due) == 1
    assert interview_reminders.run(stack.db, stack.app.client, due) == 0  # claimed: never twice
    assert len(_dms(stack, "UCARLA")) == 1 and len(_dms(stack, "UDEV")) == 2


# ---- questions -----------------------------------------------------------------------


def test_lead_edits_questions_for_the_next_invitations_with_inline_errors(
    stack: SandboxStack,
) -> None:
    _open_case(stack)
    _command(stack, "UANA", f"interview {BEN}")  # invited before the change
    assert "Only a lead" in _command(stack, "UBEN", "interview questions")

    _command(stack, "UANA", "interview questions")
    modal = _modal(stack, "UANA")
    assert modal.payload["callback_id"] == "interview_questions"
    inputs = {b["block_id"]: b for b in modal.payload["blocks"] if b["type"] == "input"}
    assert inputs["interview_client_questions"]["element"]["initial_value"] == "\n".join(
        DEFAULT_QUESTIONS[Side.CLIENT]
    )
    assert inputs["interview_reminder_hours"]["element"]["initial_value"] == "48"

    stack.slack.submit_view(
        "UANA",
        modal.id,
        {
            "interview_client_questions": "\n".join(f"Question {n}?" for n in range(11)),
            "interview_team_questions": "x" * 301,
            "interview_reminder_hours": "0",
        },
    )
    stack.settle()
    modal = _modal(stack, "UANA")
    assert set(modal.errors) == {
        "interview_client_questions",
        "interview_team_questions",
        "interview_reminder_hours",
    }
    assert "10 questions" in modal.errors["interview_client_questions"]

    stack.slack.submit_view(
        "UANA",
        modal.id,
        {
            "interview_client_questions": "1. Is the invoice export fixed for you?\n"
            "2. Who else should we hear?",
            "interview_team_questions": "Where did the release go wrong?",
            "interview_reminder_hours": "24",
        },
    )
    stack.settle()

    assert stack.workspace.modal_stack("UANA") == []
    assert "Saved the interview questions: 2 for the client, 1 for the team" in _shown(
        _ephemerals(stack, "UANA")[-1]
    )
    with stack.db.transaction() as session:
        assert session.scalars(select(Case.interview_reminder_hours)).one() == 24
    [changed] = _timeline(stack, "questions_changed")
    assert "client side: 2 questions" in changed and "reminder after 24 hours" in changed

    _command(stack, "UANA", f"interview {CARLA}")
    assert _labels(_open_interview(stack, "UCARLA")) == [
        "Is the invoice export fixed for you?",
        "Who else should we hear?",
    ]
    # Ben was invited before: he keeps the questions he was sent.
    assert _labels(_open_interview(stack, "UBEN")) == list(DEFAULT_QUESTIONS[Side.TEAM])
    # The new delay applies to reminders.
    due = _invited_at(stack, "UCARLA") + timedelta(hours=24, minutes=1)
    assert interview_reminders.run(stack.db, stack.app.client, due) == 2


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
