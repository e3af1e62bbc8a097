"""The purge tests' seed: two people who both wrote into every table that holds words,
in one case or two.

The database is seeded with the ORM so every table that holds people's words has rows
written by both people in both cases: Carla (client leader, the one who asks to be
erased) and Ana (team lead, who must keep every word). Carla's sentences carry the
marker ``CARLA-WORDS`` and Ana's ``ANA-WORDS``, so "every word is gone" and "everyone
else's words are intact" are checked by scanning every text column of every table, not by
listing the columns the purge happens to know about.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from storage.engine import Database
from storage.models import (
    Audience,
    Case,
    CaseLead,
    CaseMember,
    Category,
    CheckinAnswer,
    CheckinNudge,
    CheckinOccurrence,
    CheckinSchedule,
    Commitment,
    DigestRun,
    EntryRevision,
    FinalRating,
    Grievance,
    HealthSnapshot,
    Interview,
    InterviewAnswer,
    InterviewQuestions,
    InterviewStatus,
    Notice,
    OccurrenceStatus,
    Person,
    ProgressUpdate,
    ProgressUpdateGrievance,
    PulseReply,
    PulseRound,
    Role,
    Side,
    Status,
    Strategy,
    StrategyAction,
    StrategyGrievance,
    StrategyStatus,
    TimelineEntry,
    Vote,
    VoteKind,
    Workspace,
)

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)
CARLA, ANA = "CARLA-WORDS", "ANA-WORDS"
CARLA_ID, CARLA_NAME = "U0CARLA", "Carla Client"


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _people(session: Session) -> tuple[Workspace, Person, Person]:
    ws = Workspace(team_id="T0AGENCY", created_at=_at(0))
    session.add(ws)
    session.flush()
    ana = Person(
        workspace_id=ws.id,
        slack_user_id="U0ANA",
        display_name="Ana Lead",
        side=Side.TEAM,
        timezone="Europe/Berlin",
        created_at=_at(0),
    )
    carla = Person(
        workspace_id=ws.id,
        slack_user_id=CARLA_ID,
        display_name=CARLA_NAME,
        side=Side.CLIENT,
        role="CTO",
        timezone="America/New_York",
        slack_names=f"carla\n{CARLA_NAME}\nCarla",
        created_at=_at(0),
    )
    session.add_all([ana, carla])
    session.flush()
    return ws, ana, carla


def _seed_case(session: Session, ws: Workspace, ana: Person, carla: Person, tag: str) -> None:
    """One case where both people wrote into every table that holds words."""

    def says(who: str, what: str) -> str:
        return f"{who} {what} in {tag}"

    case = Case(
        workspace_id=ws.id,
        channel_id=f"C0{tag.upper()}",
        client_name=f"{tag.capitalize()} Corp",
        created_at=_at(1),
        updated_at=_at(1),
    )
    session.add(case)
    session.flush()
    session.add_all(
        [
            CaseLead(case_id=case.id, person_id=ana.id, created_at=_at(2)),
            CaseMember(case_id=case.id, person_id=ana.id, role=Role.TEAM_LEAD, created_at=_at(2)),
            CaseMember(
                case_id=case.id, person_id=carla.id, role=Role.CLIENT_LEADER, created_at=_at(3)
            ),
            InterviewQuestions(case_id=case.id, side=Side.CLIENT, questions="What hurts?\nWhy?"),
        ]
    )
    carlas = Grievance(
        case_id=case.id,
        number=1,
        reporter_id=ana.id,
        raised_by_id=carla.id,
        raised_by_name=CARLA_NAME,
        side=Side.CLIENT,
        category=Category.QUALITY,
        severity=3,
        text=says(CARLA, "reports are late"),
        status=Status.ACKNOWLEDGED,
        cares_about=says(CARLA, "board numbers"),
        success_measure=says(CARLA, "two clean reports"),
        went_well=says(CARLA, "the old daily call"),
        slack_channel=case.channel_id,
        slack_ts="1000.0001",
        created_at=_at(10),
        updated_at=_at(11),
    )
    anas = Grievance(
        case_id=case.id,
        number=2,
        reporter_id=ana.id,
        raised_by_id=ana.id,
        side=Side.TEAM,
        category=Category.SCOPE,
        severity=1,
        text=says(ANA, "scope keeps growing"),
        cares_about=says(ANA, "a stable backlog"),
        created_at=_at(12),
        updated_at=_at(12),
    )
    session.add_all([carlas, anas])
    session.flush()

    def entry(kind: str, author: Person | None, text: str, **extra: Any) -> TimelineEntry:
        row = TimelineEntry(
            case_id=case.id, kind=kind, author_id=author.id if author else None, text=text, **extra
        )
        session.add(row)
        session.flush()
        return row

    entry("case_opened", ana, f"Case opened in #{tag}")
    entry("grievance_filed", ana, carlas.text, grievance_id=carlas.id)
    entry("grievance_filed", ana, anas.text, grievance_id=anas.id)
    edited = entry(
        "reply", carla, says(CARLA, "still late today"), grievance_id=carlas.id, edited=True
    )
    entry("reply", carla, "", grievance_id=carlas.id, deleted=True, edited=True)
    answered = entry(
        "reply",
        ana,
        says(ANA, f"thanks {CARLA_NAME}, fixing it"),
        grievance_id=carlas.id,
        edited=True,
    )
    entry("reply", carla, says(CARLA, "I feel this too"), grievance_id=anas.id)
    entry("status_changed", ana, "#1: open → acknowledged", grievance_id=carlas.id)
    entry("interview_invited", ana, f"{CARLA_NAME} invited to an interview (client side)")
    entry(
        "final_rating",
        None,
        "Final rating 4/5 from an anonymous stakeholder: " + says(CARLA, "better now"),
    )
    entry("final_rating", ana, "Final rating 5/5 from Ana Lead: " + says(ANA, "proud of us"))
    session.add_all(
        [
            EntryRevision(entry_id=edited.id, text=says(CARLA, "late again"), replaced_at=_at(20)),
            EntryRevision(entry_id=answered.id, text=says(ANA, "on it"), replaced_at=_at(21)),
        ]
    )

    for person, who, status in (
        (carla, CARLA, InterviewStatus.ANSWERED),
        (ana, ANA, InterviewStatus.IN_PROGRESS),
    ):
        interview = Interview(
            case_id=case.id,
            person_id=person.id,
            invited_by_id=ana.id,
            status=status,
            anonymous=person is carla,
            invited_at=_at(30),
            answered_at=_at(31) if status is InterviewStatus.ANSWERED else None,
        )
        session.add(interview)
        session.flush()
        session.add_all(
            [
                InterviewAnswer(
                    interview_id=interview.id,
                    position=1,
                    question="What hurts?",
                    answer=says(who, "the silence hurts"),
                    updated_at=_at(31),
                ),
                InterviewAnswer(
                    interview_id=interview.id,
                    position=2,
                    question="Why?",
                    answer="",
                    updated_at=_at(31),
                ),
            ]
        )

    by_ana = Strategy(
        case_id=case.id,
        version=1,
        author_id=ana.id,
        summary=says(ANA, "fix the pipeline"),
        success_measures="Two clean reports",
        status=StrategyStatus.SUPERSEDED,
        created_at=_at(40),
    )
    session.add(by_ana)
    session.flush()
    by_carla = Strategy(
        case_id=case.id,
        version=2,
        author_id=carla.id,
        summary=says(CARLA, "pair us with your tech lead"),
        previous_id=by_ana.id,
        status=StrategyStatus.APPROVED,
        created_at=_at(41),
        approved_at=_at(42),
    )
    session.add(by_carla)
    session.flush()
    session.add_all(
        [
            StrategyAction(
                strategy_id=by_ana.id,
                position=1,
                text=says(ANA, "move the report job"),
                owner_user_id=CARLA_ID,
                owner_name=CARLA_NAME,
                due=date(2025, 6, 1),
            ),
            StrategyAction(strategy_id=by_carla.id, position=1, text=says(CARLA, "weekly pairing")),
            StrategyGrievance(strategy_id=by_ana.id, grievance_id=carlas.id),
            StrategyGrievance(strategy_id=by_carla.id, grievance_id=anas.id),
            Vote(
                strategy_id=by_carla.id,
                person_id=carla.id,
                kind=VoteKind.APPROVE,
                reaction="+1",
                updated_at=_at(43),
            ),
            Vote(
                strategy_id=by_carla.id,
                person_id=ana.id,
                kind=VoteKind.APPROVE,
                reaction="white_check_mark",
                updated_at=_at(44),
            ),
        ]
    )

    schedule = CheckinSchedule(
        case_id=case.id,
        created_by_id=ana.id,
        channel_id=case.channel_id,
        days="mon-fri",
        anchor=date(2025, 5, 5),
        time_of_day="09:30",
        timezone="Europe/Berlin",
        audience=Audience.EVERYONE,
        questions=json.dumps([{"kind": "rating", "text": "How?"}, {"kind": "text", "text": "?"}]),
        checked_until=_at(50),
        created_at=_at(45),
    )
    session.add(schedule)
    session.flush()
    occurrence = CheckinOccurrence(
        schedule_id=schedule.id,
        due_at=_at(60),
        status=OccurrenceStatus.POSTED,
        claimed_at=_at(60),
        posted_at=_at(60),
    )
    session.add(occurrence)
    session.flush()
    for person, rating, text in (
        (carla, 2, None),
        (carla, None, says(CARLA, "not there yet")),
        (carla, None, ""),  # a reply she deleted in Slack
        (ana, 4, None),
        (ana, None, says(ANA, "we are getting there")),
    ):
        session.add(
            CheckinAnswer(
                occurrence_id=occurrence.id,
                person_id=person.id,
                question_index=0 if rating else 1,
                rating=rating,
                text=text,
                created_at=_at(61),
                updated_at=_at(62),
            )
        )
    session.add(CheckinNudge(occurrence_id=occurrence.id, person_id=carla.id, sent_at=_at(65)))

    for person, who in ((carla, CARLA), (ana, ANA)):
        update = ProgressUpdate(
            case_id=case.id,
            author_id=person.id,
            strategy_id=by_carla.id,
            text=says(who, "progress this week"),
            created_at=_at(70),
        )
        session.add(update)
        session.flush()
        session.add(ProgressUpdateGrievance(update_id=update.id, grievance_id=carlas.id))
    entry("progress_update", carla, says(CARLA, "progress this week"))

    session.add_all(
        [
            HealthSnapshot(case_id=case.id, score=55, components="{}", computed_at=_at(80)),
            Notice(case_id=case.id, kind="silence", key=f"{carla.id}:1", created_at=_at(81)),
            DigestRun(case_id=case.id, due_at=_at(82), status=OccurrenceStatus.POSTED),
            FinalRating(
                case_id=case.id,
                person_id=carla.id,
                rating=4,
                comment=says(CARLA, "better now"),
                anonymous=True,
                requested_at=_at(90),
                answered_at=_at(91),
            ),
            FinalRating(
                case_id=case.id,
                person_id=ana.id,
                rating=5,
                comment=says(ANA, "proud of us"),
                requested_at=_at(90),
                answered_at=_at(92),
            ),
        ]
    )
    session.add_all(
        [
            Commitment(
                case_id=case.id,
                number=1,
                text=says(CARLA, "we will send the invoice list"),
                owner_id=carla.id,
                created_by_id=carla.id,
                due=_at(100).date(),
                done_at=_at(101),
                done_by_id=ana.id,
                done_note=says(ANA, "received, thanks"),
            ),
            Commitment(
                case_id=case.id,
                number=2,
                text=says(ANA, "we will fix the export"),
                owner_id=ana.id,
                created_by_id=ana.id,
                due=_at(100).date(),
                done_at=_at(102),
                done_by_id=carla.id,
                done_note=says(CARLA, "confirmed on our side"),
            ),
        ]
    )
    pulse = PulseRound(case_id=case.id, number=1, sent_at=_at(95))
    session.add(pulse)
    session.flush()
    session.add_all(
        [
            PulseReply(
                round_id=pulse.id,
                person_id=carla.id,
                rating=3,
                comment=says(CARLA, "pulse: demos are back"),
                answered_at=_at(96),
            ),
            PulseReply(
                round_id=pulse.id,
                person_id=ana.id,
                rating=4,
                comment=says(ANA, "pulse: on track"),
                answered_at=_at(97),
            ),
        ]
    )
    session.flush()


def _seed_both(db: Database) -> None:
    with db.transaction() as session:
        ws, ana, carla = _people(session)
        _seed_case(session, ws, ana, carla, "acme")
        _seed_case(session, ws, ana, carla, "globex")
