"""Interview rules without Slack: themes, question sets, inviting, answering, reminder
claims and coverage.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.interview import status_blocks
from bot.playbook import interviews as iv
from bot.playbook.errors import PlaybookError
from bot.playbook.people import Profile, ensure_person, ensure_workspace
from bot.playbook.sides import correct_side
from bot.playbook.stakeholders import set_role
from bot.playbook.timeline import Kind
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import (
    Case,
    CaseLead,
    Interview,
    InterviewStatus,
    Person,
    Role,
    Side,
    TimelineEntry,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


# ---- fixtures ------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.from_url(f"sqlite:///{tmp_path / 'unit.db'}")
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.transaction() as s:
        yield s


def _person(session: Session, user_id: str, name: str, *, external: bool = False) -> Person:
    workspace = ensure_workspace(session=session, team_id="T1")
    return ensure_person(
        session=session,
        workspace=workspace,
        profile=Profile(user_id=user_id, display_name=name, external=external),
    )


def _case(session: Session) -> tuple[Case, Person]:
    """A case led by Ana (team side)."""
    workspace = ensure_workspace(session=session, team_id="T1")
    case = Case(workspace_id=workspace.id, channel_id="C1", client_name="Acme & Co")
    session.add(case)
    session.flush()
    ana = _person(session, "UANA", "Ana")
    session.add(CaseLead(case_id=case.id, person_id=ana.id, added_by_id=ana.id))
    session.flush()
    return case, ana


def _kinds(session: Session, case: Case) -> list[tuple[str, str, int | None]]:
    return [
        (e.kind, e.text, e.author_id)
        for e in session.scalars(
            select(TimelineEntry).where(TimelineEntry.case_id == case.id).order_by(TimelineEntry.id)
        )
    ]


# ---- themes --------------------------------------------------------------------------


def test_default_questions_have_one_theme_each_by_position() -> None:
    for side in Side:
        themes = [iv.theme_of(q) for q in iv.DEFAULT_QUESTIONS[side]]
        assert themes == list(iv.QUESTION_THEMES)
    assert iv.DEFAULT_QUESTIONS[Side.TEAM][0] == "What went wrong, from where you stand?"


@pytest.mark.parametrize(
    ("question", "theme"),
    [
        ("How do you measure success for this quarter?", iv.Theme.SUCCESS),
        ("What do you care about most?", iv.Theme.MATTERS_MOST),
        ("Which of our habits used to go well?", iv.Theme.WENT_WELL),
        ("Where did the release go wrong?", iv.Theme.WENT_WRONG),
        ("What would make you trust our dates again?", iv.Theme.CONFIDENCE),
        ("Anything else?", None),
        ("Who should we talk to next?", None),
    ],
)
def test_custom_questions_get_a_theme_only_from_keywords(
    question: str, theme: iv.Theme | None
) -> None:
    assert iv.theme_of(question) == theme


# ---- question sets -------------------------------------------------------------------


def test_question_lines_drop_blanks_bullets_and_numbers() -> None:
    text = "1. First?\n\n- Second  one?\n  • Third?\n2) Fourth?\n   \n"
    assert iv.parse_questions(text) == ["First?", "Second one?", "Third?", "Fourth?"]
    assert iv.parse_questions(None) == []


def test_question_sets_are_validated_with_a_sentence_each() -> None:
    assert iv.question_problem(["Fine?"]) is None
    assert "at least one" in (iv.question_problem([]) or "")
    assert "10 questions" in (iv.question_problem([f"Q{n}?" for n in range(11)]) or "")
    assert "Question 2" in (iv.question_problem(["ok", "x" * 301]) or "")
    assert iv.question_problem(["x" * 300]) is None
    assert [iv.parse_hours(v) for v in ("24", " 1 ", "0", "721", "2.5", "", None, "x")] == [
        24,
        1,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


def test_a_lead_sets_questions_and_the_default_set_is_stored_as_none(session: Session) -> None:
    case, ana = _case(session)
    changed = iv.set_questions(
        session=session,
        case=case,
        actor=ana,
        client="Is the invoice export fixed?\nWho should we talk to?",
        team="\n".join(iv.DEFAULT_QUESTIONS[Side.TEAM]),
        reminder_hours="24",
    )
    assert changed
    assert iv.questions_for(session=session, case=case, side=Side.CLIENT) == [
        "Is the invoice export fixed?",
        "Who should we talk to?",
    ]
    assert iv.questions_for(session=session, case=case, side=Side.TEAM) == list(
        iv.DEFAULT_QUESTIONS[Side.TEAM]
    )
    assert case.interview_reminder_hours == 24
    [entry] = [e for e in _kinds(session, case) if e[0] == Kind.QUESTIONS_CHANGED]
    assert "client side: 2 questions" in entry[1] and "reminder after 24 hours" in entry[1]
    # The same again changes nothing and records nothing.
    assert not iv.set_questions(
        session=session,
        case=case,
        actor=ana,
        client="Is the invoice export fixed?\nWho should we talk to?",
        team="\n".join(iv.DEFAULT_QUESTIONS[Side.TEAM]),
        reminder_hours=24,
    )


def test_bad_question_sets_and_non_leads_are_refused(session: Session) -> None:
    case, _ana = _case(session)
    ben = _person(session, "UBEN", "Ben")
    with pytest.raises(PlaybookError, match="Only a lead"):
        iv.set_questions(
            session=session, case=case, actor=ben, client="a?", team="b?", reminder_hours=1
        )
    lead = session.scalar(select(Person).where(Person.slack_user_id == "UANA"))
    with pytest.raises(iv.QuestionsError) as raised:
        iv.set_questions(
            session=session, case=case, actor=lead, client="", team="x" * 301, reminder_hours="0"
        )
    assert set(raised.value.fields) == {"client", "team", "hours"}


# ---- inviting and answering ----------------------------------------------------------


def test_invitees_get_their_sides_questions_and_become_stakeholders(session: Session) -> None:
    case, ana = _case(session)
    carla = _person(session, "UCARLA", "Carla", external=True)
    ben = _person(session, "UBEN", "Ben")
    outcome = iv.invite(session=session, case=case, actor=ana, invitees=[carla, ben, carla], now=T0)
    assert [(i.name, i.side, i.again) for i in outcome.to_send] == [
        ("Carla", Side.CLIENT, False),
        ("Ben", Side.TEAM, False),
    ]
    carla_card = iv.card(session=session, interview_id=outcome.to_send[0].interview_id)
    assert carla_card.questions == iv.DEFAULT_QUESTIONS[Side.CLIENT]
    assert carla_card.inviter_name == "Ana" and carla_card.status is InterviewStatus.INVITED
    assert iv.role_of(session=session, case=case, person=carla) is Role.CLIENT_MEMBER
    invited = [e for e in _kinds(session, case) if e[0] == Kind.INTERVIEW_INVITED]
    assert [e[1] for e in invited] == [
        "Carla invited to an interview (client side)",
        "Ben invited to an interview (team side)",
    ]


def test_a_corrected_side_decides_the_questions_over_the_profile(session: Session) -> None:
    case, ana = _case(session)
    dev = _person(session, "UDEV", "Dev")  # team by profile...
    correct_side(session=session, case=case, actor=ana, person=dev, side=Side.CLIENT)
    set_role(session=session, case=case, actor=ana, person=dev, role=Role.CLIENT_LEADER)
    outcome = iv.invite(session=session, case=case, actor=ana, invitees=[dev])
    assert outcome.to_send[0].side is Side.CLIENT


def test_reinviting_keeps_answers_and_an_undelivered_invitation_is_sent_again(
    session: Session,
) -> None:
    case, ana = _case(session)
    carla = _person(session, "UCARLA", "Carla", external=True)
    ben = _person(session, "UBEN", "Ben")
    first = iv.invite(session=session, case=case, actor=ana, invitees=[carla, ben])
    carla_id, ben_id = (i.interview_id for i in first.to_send)
    iv.remember_dm(session=session, interview_id=carla_id, channel="D1", ts="1.0")
    iv.save_answers(
        session=session,
        interview_id=carla_id,
        user_id="UCARLA",
        answers=["It broke"],
        anonymous=False,
        finish=False,
    )
    again = iv.invite(session=session, case=case, actor=ana, invitees=[carla, ben])
    assert again.already == [("Carla", InterviewStatus.IN_PROGRESS)]
    assert [(i.interview_id, i.again) for i in again.to_send] == [(ben_id, True)]
    assert iv.card(session=session, interview_id=carla_id).answers[0] == "It broke"


def test_only_leads_invite(session: Session) -> None:
    case, _ana = _case(session)
    ben = _person(session, "UBEN", "Ben")
    with pytest.raises(PlaybookError, match="Only a lead"):
        iv.invite(session=session, case=case, actor=ben, invitees=[ben])


def test_saving_then_finishing_anonymously(session: Session) -> None:
    case, ana = _case(session)
    carla = _person(session, "UCARLA", "Carla", external=True)
    set_role(session=session, case=case, actor=ana, person=carla, role=Role.CLIENT_LEADER)
    [inv] = iv.invite(session=session, case=case, actor=ana, invitees=[carla]).to_send
    with pytest.raises(PlaybookError, match="someone else"):
        iv.save_answers(
            session=session,
            interview_id=inv.interview_id,
            user_id="UANA",
            answers=["x"],
            anonymous=False,
            finish=True,
        )
    with pytest.raises(iv.AnswersError):
        iv.save_answers(
            session=session,
            interview_id=inv.interview_id,
            user_id="UCARLA",
            answers=["", "  "],
            anonymous=False,
            finish=True,
        )
    saved = iv.save_answers(
        session=session,
        interview_id=inv.interview_id,
        user_id="UCARLA",
        answers=["Exports broke", ""],
        anonymous=False,
        finish=False,
    )
    assert saved.card.status is InterviewStatus.IN_PROGRESS and not saved.finished_now
    assert saved.card.answered_count == 1
    done = iv.save_answers(
        session=session,
        interview_id=inv.interview_id,
        user_id="UCARLA",
        answers=["Exports broke", "On-time invoices", "No manual fixes", "Weekly demo", ""],
        anonymous=True,
        finish=True,
        now=T0,
    )
    assert done.finished_now and done.card.status is InterviewStatus.ANSWERED
    answered = [e for e in _kinds(session, case) if e[0] == Kind.INTERVIEW_ANSWERED]
    assert answered == [(Kind.INTERVIEW_ANSWERED, "An interview was answered anonymously", None)]
    # Findings' view: answered interviews with themed, non-blank answers; anonymous speaker.
    [interview] = iv.answered_interviews(session=session, case=case)
    assert interview.person.display_name == "Carla"
    assert [(t, a.answer) for t, a in iv.themed_answers(interview)] == [
        (iv.Theme.WENT_WRONG, "Exports broke"),
        (iv.Theme.MATTERS_MOST, "On-time invoices"),
        (iv.Theme.SUCCESS, "No manual fixes"),
        (iv.Theme.WENT_WELL, "Weekly demo"),
    ]
    # The only anonymous person of the case: nothing of hers may be shown under any name.
    [alone] = iv.heard(session=session, case=case)
    assert alone.side is Side.CLIENT and alone.speaker is None and alone.withheld
    # Saving "later" after finishing keeps it answered and records nothing more.
    iv.save_answers(
        session=session,
        interview_id=inv.interview_id,
        user_id="UCARLA",
        answers=["Exports broke badly"],
        anonymous=False,
        finish=False,
    )
    assert iv.card(session=session, interview_id=inv.interview_id).status is (
        InterviewStatus.ANSWERED
    )
    assert len([e for e in _kinds(session, case) if e[0] == Kind.INTERVIEW_ANSWERED]) == 1


def test_named_answer_is_recorded_under_the_persons_name(session: Session) -> None:
    case, ana = _case(session)
    ben = _person(session, "UBEN", "Ben")
    [inv] = iv.invite(session=session, case=case, actor=ana, invitees=[ben]).to_send
    iv.save_answers(
        session=session,
        interview_id=inv.interview_id,
        user_id="UBEN",
        answers=["Scope creep"],
        anonymous=False,
        finish=True,
    )
    [entry] = [e for e in _kinds(session, case) if e[0] == Kind.INTERVIEW_ANSWERED]
    assert entry[1] == "Ben answered the interview" and entry[2] == ben.id


# ---- reminders -----------------------------------------------------------------------


def test_reminders_fall_due_after_the_cases_hours_and_are_claimed_once(db: Database) -> None:
    with db.transaction() as session:
        case, ana = _case(session)
        case.interview_reminder_hours = 24
        carla = _person(session, "UCARLA", "Carla", external=True)
        ben = _person(session, "UBEN", "Ben")
        sent = iv.invite(session=session, case=case, actor=ana, invitees=[carla, ben], now=T0)
        carla_id, ben_id = (i.interview_id for i in sent.to_send)
        iv.save_answers(
            session=session,
            interview_id=ben_id,
            user_id="UBEN",
            answers=["x"],
            anonymous=False,
            finish=True,
        )
    with db.transaction() as session:
        assert iv.due_reminders(session=session, now=T0 + timedelta(hours=23, minutes=59)) == []
        due_at = T0 + timedelta(hours=24)
        assert iv.due_reminders(session=session, now=due_at) == [carla_id]
        # A naive "now" is read as UTC, as SQLite hands back stored times.
        assert iv.due_reminders(session=session, now=due_at.replace(tzinfo=None)) == [carla_id]
    with db.transaction() as session:
        assert iv.claim_reminder(session=session, interview_id=carla_id, now=due_at)
    with db.transaction() as session:
        assert not iv.claim_reminder(session=session, interview_id=carla_id, now=due_at)
        assert not iv.claim_reminder(session=session, interview_id=ben_id, now=due_at)
        assert iv.due_reminders(session=session, now=due_at + timedelta(days=9)) == []
        assert session.get_one(Interview, carla_id).reminded_at is not None


# ---- coverage ------------------------------------------------------------------------


def test_coverage_groups_by_role_and_counts_client_leadership(session: Session) -> None:
    case, ana = _case(session)
    assert (
        "No client leaders named yet" in iv.coverage(session=session, case=case).leadership_summary
    )
    leaders = [_person(session, f"UL{n}", f"Leader {n}", external=True) for n in range(3)]
    for leader in leaders:
        set_role(session=session, case=case, actor=ana, person=leader, role=Role.CLIENT_LEADER)
    outcome = iv.invite(session=session, case=case, actor=ana, invitees=leaders[:2])
    for n, invitation in enumerate(outcome.to_send):
        iv.save_answers(
            session=session,
            interview_id=invitation.interview_id,
            user_id=f"UL{n}",
            answers=["x"],
            anonymous=n == 1,
            finish=True,
        )
    found = iv.coverage(session=session, case=case)
    assert found.leadership_summary == "2 of 3 client leaders heard (67%)"
    assert (found.invited, found.answered, found.waiting) == (2, 2, 0)
    assert [r.status for r in found.groups[Role.CLIENT_LEADER]] == [
        InterviewStatus.ANSWERED,
        InterviewStatus.ANSWERED,
        None,
    ]
    shown = json.dumps([b.to_dict() for b in status_blocks("Acme", found, show_anonymous=True)])
    assert "2 of 3 client leaders heard (67%)" in shown
    assert "Leader 1: answered (anonymous)" in shown and "Leader 2: not invited" in shown
    hidden = json.dumps([b.to_dict() for b in status_blocks("Acme", found, show_anonymous=False)])
    assert "(anonymous)" not in hidden
