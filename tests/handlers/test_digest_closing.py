"""The weekly digest with its chart, and closing (and reopening) a case, end to end.

Seeded data sits around a chosen ``NOW`` (a Friday at 16:00 UTC, the default digest
time) so every number in the digest can be checked; jobs are driven with that clock.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.ids import Action, ClosingField, RatingField
from bot.jobs import digests
from bot.playbook import grievances
from bot.playbook import strategy as strategy_playbook
from bot.playbook.digest import next_due_after, schedule_of
from bot.playbook.people import Profile, ensure_person, find_person
from bot.playbook.stakeholders import set_role
from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message
from storage.clock import utcnow
from storage.models import (
    Audience,
    Case,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinSchedule,
    ClosingOutcome,
    DigestRun,
    FinalRating,
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
    Vote,
    VoteKind,
)
from tests.conftest import shown

CHANNEL = "CACME"
NOW = datetime(2030, 3, 15, 16, 0, tzinfo=UTC)  # a Friday
PNG = b"\x89PNG\r\n\x1a\n"
QUESTION = "How confident are you in our releases?"

# ---- helpers ----------------------------------------------------------------------------


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


# ---- the digest -------------------------------------------------------------------------


def test_the_weekly_digest_reports_the_seeded_week_and_uploads_a_png_chart(
    stack: SandboxStack,
) -> None:
    _seed(stack)

    assert digests.run(stack.db, stack.app.client, NOW) == 1

    (posted,) = _bot_posts(stack, "Weekly digest")
    shown = _shown(posted)
    assert "This week: 2 raised, 1 resolved · So far: 4 raised, 2 resolved, 2 open" in shown
    assert "2 check-ins this week" in shown
    assert "client: 2 of 4 (50%) · team: 3 of 4 (75%)" in shown
    # The client side's figures lead; the team's 3 and 4 are beside them, never blended in.
    assert "*Client confidence 4.5 (team 3.5)*" in shown
    assert (
        "*Other*: client side severity 2.0 (1 grievance) · team side severity 2.0 (3 grievances)"
    ) in shown  # the perception gap: both sides have spoken on it
    assert f"{QUESTION}: client 2.0 → 4.5 :arrow_up: (team 3.5)" in shown
    assert "*Strategy* v1: awaiting buy-in (approvals: client 0 · team 0)" in shown
    assert "1 of 2 actions done" in shown
    with stack.db.transaction() as session:
        latest = session.scalars(select(HealthSnapshot).order_by(HealthSnapshot.id.desc())).first()
    assert latest is not None and f"*Health* {latest.score}/100" in shown
    if latest.score != 40:
        assert "from 40 a week ago" in shown
    assert "Next check-in: Mon 18 Mar 09:30 (Europe/London)" in shown
    (chart,) = _charts(stack)
    assert chart.content.startswith(PNG) and len(chart.content) > 5_000
    shared = [m for m in stack.workspace.messages if m.channel == CHANNEL and m.files]
    assert [f["name"] for m in shared for f in m.files] == ["digest.png"]
    assert [e.slack_ts for e in _kinds(stack, "digest_posted")] == [posted.ts]
    with stack.db.transaction() as session:
        run = session.scalars(select(DigestRun)).one()
        assert run.status is OccurrenceStatus.POSTED


def test_two_runs_at_once_post_the_digest_once_and_only_when_due(stack: SandboxStack) -> None:
    _seed(stack)
    client = stack.app.client
    assert digests.run(stack.db, client, NOW - timedelta(minutes=1)) == 0
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def tick() -> None:
        barrier.wait()
        counts.append(digests.run(stack.db, client, NOW + timedelta(seconds=30)))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(counts) == [0, 1]
    assert digests.run(stack.db, client, NOW + timedelta(hours=2)) == 0
    assert digests.run(stack.db, client, NOW + timedelta(days=7)) == 1  # next week's
    assert len(_bot_posts(stack, "Weekly digest")) == 2 and len(_charts(stack)) == 2
    with stack.db.transaction() as session:
        assert len(session.scalars(select(DigestRun)).all()) == 2


def test_a_digest_missed_by_more_than_the_grace_is_skipped(stack: SandboxStack) -> None:
    _seed(stack)

    assert digests.run(stack.db, stack.app.client, NOW + timedelta(hours=13)) == 0
    assert not _bot_posts(stack, "Weekly digest")


def test_a_lead_moves_the_digest_to_another_day_time_and_zone(stack: SandboxStack) -> None:
    _open_case(stack)

    said = _command(stack, "UANA", "digest every tuesday at 09:00 Europe/Berlin")
    refused = _command(stack, "UBEN", "digest every monday at 10:00")
    garbled = _command(stack, "UANA", "digest every someday at 9")

    assert "now comes on Tuesdays at 09:00 (Europe/Berlin)" in said
    assert "Only a lead of this case" in refused and "not a day of the week" in garbled
    case = _case(stack)
    assert (case.digest_weekday, case.digest_time, case.digest_timezone) == (
        1,
        "09:00",
        "Europe/Berlin",
    )
    assert [e.text for e in _kinds(stack, "digest_scheduled")] == [
        "Weekly digest: Tuesdays at 09:00 (Europe/Berlin)"
    ]
    due = next_due_after(schedule_of(case), utcnow())
    assert due.weekday() == 1 and due.hour in (7, 8)  # 09:00 in Berlin, in UTC
    client = stack.app.client
    assert digests.run(stack.db, client, due - timedelta(minutes=1)) == 0
    assert digests.run(stack.db, client, due) == 1
    assert digests.run(stack.db, client, due + timedelta(minutes=1)) == 0


def test_digest_on_demand_posts_now_for_the_team_and_refuses_the_client(
    stack: SandboxStack,
) -> None:
    _open_case(stack)

    assert _command(stack, "UBEN", "digest").strip() == ""
    refused = _command(stack, "UCARLA", "digest")

    (posted,) = _bot_posts(stack, "Weekly digest")
    assert "This week: 1 raised, 0 resolved" in _shown(posted)
    assert "comes to this channel every week anyway, on Fridays at 16:00 (UTC)" in refused
    (chart,) = _charts(stack)
    assert chart.content.startswith(PNG)
    (entry,) = _kinds(stack, "digest_posted")
    assert entry.text == "Digest posted on request" and entry.slack_ts == posted.ts


def test_a_failing_channel_does_not_stop_the_chart_or_the_run(stack: SandboxStack) -> None:
    _seed(stack)
    stack.workspace.inject("chat.postMessage", "channel_not_found")

    assert digests.run(stack.db, stack.app.client, NOW) == 0
    assert digests.run(stack.db, stack.app.client, NOW) == 0  # claimed: never retried
    with stack.db.transaction() as session:
        assert session.scalars(select(DigestRun)).one().status is OccurrenceStatus.FAILED


# ---- closing ----------------------------------------------------------------------------


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


def test_closing_posts_the_arc_asks_everyone_to_rate_and_stops_check_ins(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=True)

    assert "Only a lead of this case can close it" in _command(stack, "UBEN", "case close")
    _close(stack)
    said = _told(stack, "UANA")

    assert "asking 4 stakeholders for a final rating by DM" in said
    assert "stopped 1 check-in schedule" in said
    (summary,) = _bot_posts(stack, "Case closed")
    shown = _shown(summary)
    assert "4 raised, 2 resolved, 2 still open" in shown
    assert "*Client confidence* 2.0/5 at the start → 4.5/5 now" in shown
    with stack.db.transaction() as session:
        scores = list(
            session.scalars(
                select(HealthSnapshot.score).order_by(HealthSnapshot.computed_at, HealthSnapshot.id)
            )
        )
    assert f"*Health* {scores[0]}/100 at the start → {scores[-1]}/100 now" in shown
    assert "v1 — buy-in reached" in shown
    case = _case(stack)
    assert case.stage is Stage.RECOVERED and case.closed_at is not None
    assert _kinds(stack, "stage_changed")[-1].text == (
        "Stage: rework → recovered (case closed by ana)"
    )
    schedules = _schedules(stack)
    assert (schedules["mon-fri"].paused, schedules["mon-fri"].paused_reason) == (
        True,
        "case closed",
    )
    assert schedules["mon"].paused_reason == "summer holidays"
    for user in ("UANA", "UBEN", "UCARLA", "UDEV"):
        (dm,) = _dms(stack, user)
        assert Action.FINAL_RATING_OPEN in json.dumps(dm.blocks)
    assert digests.run(stack.db, stack.app.client, NOW + timedelta(days=7)) == 0  # closed
    assert "already closed" in _command(stack, "UANA", "case close")


def test_a_final_rating_is_stored_anonymously_and_asked_only_once(stack: SandboxStack) -> None:
    _closable(stack, approved=True)
    _close(stack)
    (dm,) = _dms(stack, "UCARLA")

    click = stack.slack.click("UCARLA", Action.FINAL_RATING_OPEN, message=(dm.channel, dm.ts))
    assert click.status == 200
    stack.settle()
    (modal,) = stack.workspace.modal_stack("UCARLA")
    answers = {
        RatingField.SCORE: "4",
        RatingField.COMMENT: "Much better since the release notes",
        RatingField.ANONYMOUS: ["anonymous"],
    }
    delivery = stack.slack.submit_view("UCARLA", modal.id, answers)
    assert delivery.status == 200 and not delivery.body.strip(), delivery.body
    stack.settle()

    with stack.db.transaction() as session:
        carla = session.scalars(select(Person).where(Person.slack_user_id == "UCARLA")).one()
        rating = session.scalars(select(FinalRating).where(FinalRating.person_id == carla.id)).one()
        assert (rating.rating, rating.anonymous, rating.comment) == (
            4,
            True,
            "Much better since the release notes",
        )
        assert rating.answered_at is not None
    (entry,) = _kinds(stack, "final_rating")
    assert entry.author_id is None and "anonymous stakeholder" in entry.text
    assert "carla" not in entry.text.lower()
    updated = stack.workspace.find_message(dm.channel, dm.ts)
    assert updated is not None and "4/5* anonymously" in _shown(updated)
    assert Action.FINAL_RATING_OPEN not in json.dumps(updated.blocks)
    (to_lead,) = [m for m in _dms(stack, "UANA") if "Final rating for" in m.text]
    assert "*4/5* from an anonymous stakeholder" in _shown(to_lead)
    assert "Much better since the release notes" in _shown(to_lead)
    assert "carla" not in _shown(to_lead).lower()
    assert not [m for m in _dms(stack, "UBEN") if "Final rating for" in m.text]  # not a lead

    (dev_dm,) = _dms(stack, "UDEV")
    stolen = stack.slack.click(
        "UDEV", Action.FINAL_RATING_OPEN, message=(dev_dm.channel, dev_dm.ts), value=str(rating.id)
    )
    assert stolen.status == 200
    stack.settle()
    assert not stack.workspace.modal_stack("UDEV")  # not Dev's rating to give
    assert any(e.user == "UDEV" and "isn't yours" in e.text for e in stack.workspace.ephemerals)


def test_reopening_goes_back_to_rework_and_resumes_only_the_closed_schedules(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=True)
    _close(stack)

    assert _command(stack, "UANA", "case reopen").strip() == ""

    case = _case(stack)
    assert case.stage is Stage.REWORK and case.closed_at is None
    schedules = _schedules(stack)
    assert not schedules["mon-fri"].paused and schedules["mon-fri"].paused_reason is None
    assert schedules["mon"].paused and schedules["mon"].paused_reason == "summer holidays"
    (notice,) = _bot_posts(stack, ":arrows_counterclockwise:")
    assert "back to *Reworking*" in notice.text and "1 check-in schedule resumed" in notice.text
    assert "This case is open" in _command(stack, "UANA", "case reopen")


def test_reopening_without_an_agreed_strategy_goes_back_to_stabilize(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=False)
    _close(stack)

    _command(stack, "UANA", "case reopen")

    assert _case(stack).stage is Stage.STABILIZE
    assert _kinds(stack, "stage_changed")[-1].text == (
        "Stage: recovered → stabilize (case reopened by ana)"
    )


def test_a_stakeholder_who_cant_be_dmed_is_named_to_the_lead(stack: SandboxStack) -> None:
    _closable(stack, approved=False)
    stack.workspace.inject("conversations.open", "user_not_found")

    _close(stack)

    asked = [u for u in ("UANA", "UBEN", "UCARLA", "UDEV") if _dms(stack, u)]
    assert len(asked) == 3
    notes = [e.text for e in stack.workspace.ephemerals if e.user == "UANA"]
    assert any("I couldn't DM" in text and "final rating" in text for text in notes)


# ---- closing deliberately ---------------------------------------------------------------


def _carla_objects(stack: SandboxStack) -> None:
    with stack.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        strategy = session.scalars(select(Strategy)).one()
        carla = _person(session, case, "UCARLA")
        session.add(
            Vote(strategy_id=strategy.id, person_id=carla.id, kind=VoteKind.OBJECT, reaction="-1")
        )


def _form_text(stack: SandboxStack) -> str:
    (form,) = stack.workspace.modal_stack("UANA")
    return json.dumps(form.payload, ensure_ascii=False)


def test_closing_shows_where_the_case_stands_and_recovered_against_the_data_needs_confirming(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=False)
    _carla_objects(stack)

    assert _command(stack, "UANA", "case close").strip() == ""
    shown = _form_text(stack)
    assert "2 of 4 still open, and 1 confidential still open" in shown
    assert "strategy v1: not reached" in shown and "objections: carla (client leader)" in shown
    assert "The data does not show a recovery" in shown
    assert "carla (client leader) objects to strategy v1" in shown
    assert "Closed without recovery" in shown and "The client left" in shown

    (form,) = stack.workspace.modal_stack("UANA")
    refused = stack.slack.submit_view("UANA", form.id, {ClosingField.OUTCOME: "recovered"})
    stack.settle()

    assert refused.json and refused.json["response_action"] == "errors"
    assert "Tick the confirmation" in refused.json["errors"][ClosingField.CONFIRM]
    assert _case(stack).closed_at is None and not _bot_posts(stack, "Case closed")


def test_closing_without_recovery_never_claims_one(stack: SandboxStack) -> None:
    _closable(stack, approved=False)

    _close(stack, "not_recovered", confirm=False)

    (summary,) = _bot_posts(stack, "Case closed")
    assert "closed without a recovery" in _shown(summary)
    assert "recovered" not in summary.text.replace("without a recovery", "")
    case = _case(stack)
    assert case.closing_outcome is ClosingOutcome.NOT_RECOVERED
    assert case.stage is Stage.STABILIZE and case.closed_at is not None
    (dm,) = _dms(stack, "UCARLA")
    assert "closed without a recovery" in _shown(dm) and "has recovered" not in _shown(dm)
    assert _kinds(stack, "stage_changed")[-1].text == (
        "Closed without recovery: case closed by ana, stage stays stabilize"
    )


def test_a_recovery_confirmed_against_the_data_tells_the_channel_the_facts(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=False)
    _carla_objects(stack)

    _close(stack, "recovered", confirm=True)

    (summary,) = _bot_posts(stack, "Case closed")
    shown = _shown(summary)
    assert "closed the case with *" in shown and "as recovered, although" in shown
    assert "2 of 4 grievances are still open" in shown
    assert "carla (client leader) objects to strategy v1" in shown
    assert "has recovered" not in shown
    assert _case(stack).closing_outcome is ClosingOutcome.RECOVERED


def test_the_outcome_is_in_the_summary_and_the_export(stack: SandboxStack) -> None:
    _closable(stack, approved=True)

    _close(stack, "client_left", confirm=False)
    _command(stack, "UANA", "export json")
    _command(stack, "UANA", "export md")

    (summary,) = _bot_posts(stack, "Case closed")
    assert "the client has left" in _shown(summary) and "recovered" not in summary.text
    files = {f.name.rsplit(".", 1)[-1]: f.content.decode() for f in stack.workspace.files.values()}
    (case,) = json.loads(files["json"])["cases"]
    assert case["closing_outcome"] == "client_left"
    assert ": the client left" in files["md"]


def test_a_grievance_on_a_closed_case_is_brought_to_the_leads_with_a_reopen_button(
    stack: SandboxStack,
) -> None:
    _closable(stack, approved=True)
    _close(stack, "not_recovered", confirm=False)

    said = shown(stack, "UCARLA", CHANNEL, "The export broke again this morning")
    stack.settle()

    assert "This case is closed. I've told its lead, who can reopen it." in said
    assert Action.REOPEN_CASE not in said  # Carla is no lead
    (offer,) = [m for m in _dms(stack, "UANA") if "which is closed" in _shown(m)]
    assert "carla filed *grievance #6*" in _shown(offer)
    click = stack.slack.click("UANA", Action.REOPEN_CASE, message=(offer.channel, offer.ts))
    assert click.status == 200
    stack.settle()

    case = _case(stack)
    assert case.closed_at is None and case.closing_outcome is None and case.stage is Stage.REWORK
    (notice,) = _bot_posts(stack, ":arrows_counterclockwise:")
    assert "back to *Reworking*" in notice.text
