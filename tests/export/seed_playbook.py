"""The playbook and recovery rows of the seeded Acme case: stakeholders, interviews,
question sets, strategies and votes; check-ins, progress updates, health, notices,
digests and final ratings.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    Audience,
    Case,
    CaseMember,
    CheckinAnswer,
    CheckinNudge,
    CheckinOccurrence,
    CheckinSchedule,
    Commitment,
    CommitmentGrievance,
    DigestRun,
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
    Strategy,
    StrategyAction,
    StrategyGrievance,
    StrategyStatus,
    Vote,
    VoteKind,
)
from tests.export.facts import ANONYMOUS_ANSWER, CHECKIN_QUESTIONS, HEALTH_COMPONENTS, NOT_JSON, _at


def _seed_playbook(
    session: Session,
    acme: Case,
    people: tuple[Person, Person, Person, Person, Person],
    grievances: tuple[Grievance, Grievance, Grievance],
) -> None:
    """Stakeholders, interviews and two strategy versions for Acme.

    v1 (superseded) addresses #1; v2 (approved, revising v1) addresses #1 and the
    confidential #3, so the export must withhold #3 unless asked.
    """
    alice, bob, carol, dan, frank = people
    g1, _, g3 = grievances
    session.add_all(
        [
            CaseMember(case_id=acme.id, person_id=alice.id, role=Role.TEAM_LEAD, created_at=_at(5)),
            CaseMember(case_id=acme.id, person_id=bob.id, role=Role.TEAM_MEMBER, created_at=_at(6)),
            CaseMember(
                case_id=acme.id,
                person_id=carol.id,
                role=Role.CLIENT_LEADER,
                created_at=_at(7),
                updated_at=_at(8),
            ),
            CaseMember(
                case_id=acme.id, person_id=frank.id, role=Role.CLIENT_MEMBER, created_at=_at(9)
            ),
            InterviewQuestions(
                case_id=acme.id,
                side=Side.CLIENT,
                questions="What went wrong?\nWhat would good look like?",
            ),
        ]
    )
    answered = Interview(
        case_id=acme.id,
        person_id=frank.id,
        invited_by_id=alice.id,
        status=InterviewStatus.ANSWERED,
        anonymous=True,
        invited_at=_at(100),
        reminded_at=_at(110),
        answered_at=_at(120),
        dm_channel="D0FRANK",
        dm_ts="1709290000.000100",
    )
    waiting = Interview(
        case_id=acme.id, person_id=dan.id, invited_by_id=alice.id, invited_at=_at(101)
    )
    session.add_all([answered, waiting])
    session.flush()
    session.add_all(
        [
            InterviewAnswer(
                interview_id=answered.id,
                position=1,
                question="What went wrong?",
                answer=ANONYMOUS_ANSWER,
                updated_at=_at(119),
            ),
            InterviewAnswer(
                interview_id=answered.id,
                position=2,
                question="What would good look like?",
                answer="",
                updated_at=_at(119),
            ),
            InterviewAnswer(
                interview_id=waiting.id, position=1, question="What went wrong?", answer=""
            ),
        ]
    )

    v1 = Strategy(
        case_id=acme.id,
        version=1,
        author_id=alice.id,
        summary="Fix the report pipeline.",
        success_measures="Two clean reports in a row",
        status=StrategyStatus.SUPERSEDED,
        slack_channel="C0ACME",
        slack_ts="1709291000.000100",
        created_at=_at(130),
    )
    session.add(v1)
    session.flush()
    v2 = Strategy(
        case_id=acme.id,
        version=2,
        author_id=alice.id,
        summary="Fix the report pipeline\nand pair Dan with our tech lead.",
        success_measures="Two clean reports in a row\nNo escalations for a month",
        previous_id=v1.id,
        status=StrategyStatus.APPROVED,
        slack_channel="C0ACME",
        slack_ts="1709292000.000100",
        created_at=_at(140),
        approved_at=_at(150),
    )
    session.add(v2)
    session.flush()
    session.add_all(
        [
            StrategyAction(strategy_id=v1.id, position=1, text="Move the report job"),
            StrategyAction(
                strategy_id=v2.id,
                position=1,
                text="Move the report job to Monday",
                owner_user_id="U0BOB",
                owner_name="Bob Dev",
                due=date(2024, 3, 15),
                done_at=_at(160),
            ),
            StrategyAction(strategy_id=v2.id, position=2, text="Weekly check-in with Dan"),
            StrategyGrievance(strategy_id=v1.id, grievance_id=g1.id),
            StrategyGrievance(strategy_id=v2.id, grievance_id=g1.id),
            StrategyGrievance(strategy_id=v2.id, grievance_id=g3.id),
            Vote(
                strategy_id=v1.id,
                person_id=dan.id,
                kind=VoteKind.OBJECT,
                reaction="x",
                updated_at=_at(135),
            ),
            Vote(
                strategy_id=v2.id,
                person_id=carol.id,
                kind=VoteKind.APPROVE,
                reaction="white_check_mark",
                updated_at=_at(145),
            ),
            Vote(
                strategy_id=v2.id,
                person_id=bob.id,
                kind=VoteKind.APPROVE,
                reaction="+1",
                updated_at=_at(146),
            ),
            Vote(
                strategy_id=v2.id,
                person_id=dan.id,
                kind=VoteKind.OBJECT,
                reaction="x",
                updated_at=_at(147),
            ),
        ]
    )


def _seed_recovery(
    session: Session,
    acme: Case,
    people: tuple[Person, Person, Person, Person, Person],
    grievances: tuple[Grievance, Grievance],
) -> None:
    """Check-ins, progress updates, health, notices, digests and final ratings for Acme.

    Check-in 1 has three occurrences: one answered (Carol's rating pressed twice, so only
    her latest counts), one late and nudged, one failed. Check-in 2 is paused and its
    questions are not JSON. The first progress update addresses #1 and the confidential #3.
    """
    alice, bob, carol, dan, frank = people
    g1, g3 = grievances
    v2 = session.scalars(
        select(Strategy).where(Strategy.case_id == acme.id, Strategy.version == 2)
    ).one()
    weekday = CheckinSchedule(
        case_id=acme.id,
        created_by_id=alice.id,
        channel_id="C0ACME",
        days="mon-fri",
        interval_weeks=1,
        anchor=date(2024, 3, 4),
        time_of_day="09:30",
        timezone="Europe/Berlin",
        audience=Audience.EVERYONE,
        questions=json.dumps(CHECKIN_QUESTIONS),
        open_tally=True,
        holidays="2024-03-29,2024-04-01",
        grace_minutes=30,
        nudge_after_minutes=120,
        checked_until=_at(3000),
        created_at=_at(200),
    )
    paused = CheckinSchedule(
        case_id=acme.id,
        channel_id="C0ACMEOLD",
        days="fri",
        interval_weeks=2,
        anchor=date(2024, 3, 8),
        time_of_day="11:00",
        timezone="America/New_York",
        audience=Audience.CLIENT,
        questions=NOT_JSON,
        paused=True,
        paused_reason="channel_not_found",
        pause_from=date(2024, 4, 1),
        pause_until=date(2024, 4, 15),
        checked_until=_at(210),
        created_at=_at(210),
    )
    session.add_all([weekday, paused])
    session.flush()
    answered = CheckinOccurrence(
        schedule_id=weekday.id,
        due_at=_at(300),
        status=OccurrenceStatus.POSTED,
        claimed_at=_at(300),
        posted_at=_at(301),
        slack_channel="C0ACME",
        slack_ts="1709301600.000100",
    )
    late = CheckinOccurrence(
        schedule_id=weekday.id,
        due_at=_at(1740),
        status=OccurrenceStatus.POSTED,
        late=True,
        claimed_at=_at(1800),
        posted_at=_at(1801),
        slack_channel="C0ACME",
        slack_ts="1709387000.000100",
    )
    failed = CheckinOccurrence(
        schedule_id=weekday.id,
        due_at=_at(3180),
        status=OccurrenceStatus.FAILED,
        claimed_at=_at(3180),
        error="channel_not_found",
    )
    update = ProgressUpdate(
        case_id=acme.id,
        author_id=alice.id,
        strategy_id=v2.id,
        text="Report job moved.\nPairing starts Monday.",
        slack_channel="C0ACME",
        slack_ts="1709310000.000100",
        created_at=_at(400),
    )
    quiet = ProgressUpdate(case_id=acme.id, text="Weekly report shipped.", created_at=_at(450))
    session.add_all([answered, late, failed, update, quiet])
    session.flush()

    def answer(occurrence: CheckinOccurrence, who: Person, index: int, **kw: Any) -> None:
        session.add(
            CheckinAnswer(
                occurrence_id=occurrence.id,
                person_id=who.id,
                question_index=index,
                created_at=_at(310),
                updated_at=_at(311),
                **kw,
            )
        )
        session.flush()  # ids in insertion order: the latest press has the higher id

    answer(answered, carol, 0, rating=2)
    answer(answered, carol, 0, rating=4)
    answer(answered, dan, 0, rating=3)
    answer(answered, carol, 1, rating=5)
    answer(answered, bob, 2, text="Reports are on time now.", slack_ts="1709301700.000100")
    answer(answered, dan, 2, text="", slack_ts="1709301800.000100")  # deleted reply, blanked
    answer(late, frank, 0, rating=1)
    session.add_all(
        [
            CheckinNudge(occurrence_id=late.id, person_id=dan.id, sent_at=_at(1920)),
            CheckinNudge(occurrence_id=late.id, person_id=carol.id, sent_at=_at(1921)),
            ProgressUpdateGrievance(update_id=update.id, grievance_id=g1.id),
            ProgressUpdateGrievance(update_id=update.id, grievance_id=g3.id),
            HealthSnapshot(case_id=acme.id, score=55, components="{}", computed_at=_at(320)),
            HealthSnapshot(
                case_id=acme.id,
                score=62,
                components=json.dumps({"points": {"checkins": 12.5}}),
                computed_at=_at(1500),
            ),
            HealthSnapshot(
                case_id=acme.id,
                score=70,
                components=json.dumps(HEALTH_COMPONENTS),
                computed_at=_at(1900),
            ),
            Notice(
                case_id=acme.id, kind="silence", key=f"{dan.id}:{late.id}", created_at=_at(1950)
            ),
            Notice(
                case_id=acme.id, kind="schedule_paused", key=str(paused.id), created_at=_at(220)
            ),
            DigestRun(
                case_id=acme.id,
                due_at=_at(420),
                status=OccurrenceStatus.POSTED,
                posted_at=_at(421),
            ),
            DigestRun(
                case_id=acme.id, due_at=_at(420 + 7 * 24 * 60), status=OccurrenceStatus.SKIPPED
            ),
            FinalRating(
                case_id=acme.id,
                person_id=carol.id,
                rating=4,
                comment="Much better now.\nThanks.",
                requested_at=_at(500),
                answered_at=_at(510),
            ),
            FinalRating(
                case_id=acme.id,
                person_id=frank.id,
                rating=2,
                comment="Still slow.",
                anonymous=True,
                requested_at=_at(500),
                answered_at=_at(520),
            ),
            FinalRating(case_id=acme.id, person_id=dan.id, requested_at=_at(500)),
        ]
    )
    _seed_commitments(session, acme, alice, bob, grievances)
    _seed_pulse(session, acme, alice, carol, frank)


def _seed_commitments(
    session: Session,
    acme: Case,
    alice: Person,
    bob: Person,
    grievances: tuple[Grievance, Grievance],
) -> None:
    """Commitment 1, Bob's, answers #1 and was done on time with a note; commitment 2 is
    Alice's, internal, open, reminded the day before, and answers the confidential #3."""
    g1, g3 = grievances
    done = Commitment(
        case_id=acme.id,
        number=1,
        text="Send the list of affected invoices",
        owner_id=bob.id,
        created_by_id=alice.id,
        due=date(2026, 11, 4),
        created_at=_at(300),
        done_at=_at(310),
        done_by_id=bob.id,
        done_note="Sent to finance",
        slack_channel="CACME",
        slack_ts="1700000300.000100",
    )
    internal = Commitment(
        case_id=acme.id,
        number=2,
        text="Audit the export job",
        owner_id=alice.id,
        created_by_id=alice.id,
        due=date(2026, 11, 20),
        internal=True,
        reminded_eve=True,
        created_at=_at(320),
    )
    session.add_all([done, internal])
    session.flush()
    session.add_all(
        [
            CommitmentGrievance(commitment_id=done.id, grievance_id=g1.id),
            CommitmentGrievance(commitment_id=internal.id, grievance_id=g3.id),
        ]
    )


def _seed_pulse(session: Session, acme: Case, alice: Person, carol: Person, frank: Person) -> None:
    """Pulse 1 came on the cadence: Carol answered 2 with a comment through her DM, Frank
    did not answer. Pulse 2 Alice sent early: Carol answered 4."""
    first = PulseRound(case_id=acme.id, number=1, sent_at=_at(600))
    second = PulseRound(case_id=acme.id, number=2, sent_at=_at(700), sent_by_id=alice.id)
    session.add_all([first, second])
    session.flush()
    session.add_all(
        [
            PulseReply(
                round_id=first.id,
                person_id=carol.id,
                rating=2,
                comment="Demos are back, the bugs are not gone",
                answered_at=_at(610),
                dm_channel="DCAROL",
                dm_ts="1700000600.000100",
            ),
            PulseReply(round_id=first.id, person_id=frank.id, dm_channel="DFRANK"),
            PulseReply(round_id=second.id, person_id=carol.id, rating=4, answered_at=_at(710)),
        ]
    )
    acme.pulse_weeks = 3
