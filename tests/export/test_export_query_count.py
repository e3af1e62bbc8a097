"""The export reads each case in a fixed number of queries: more entries, authors,
revisions and playbook rows must not mean more queries.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.export import ExportDocument, build_export
from storage.clock import utcnow
from storage.engine import Database
from storage.models import (
    Case,
    CaseMember,
    CheckinAnswer,
    CheckinNudge,
    CheckinOccurrence,
    CheckinSchedule,
    DigestRun,
    EntryRevision,
    FinalRating,
    Grievance,
    HealthSnapshot,
    Interview,
    InterviewAnswer,
    Notice,
    OccurrenceStatus,
    Person,
    ProgressUpdate,
    ProgressUpdateGrievance,
    Role,
    Side,
    Strategy,
    StrategyAction,
    StrategyGrievance,
    TimelineEntry,
    Vote,
    VoteKind,
)
from tests.export.facts import CHECKIN_QUESTIONS, Fixture, _at


def _add_playbook_rows(session: Session, case: Case, person: Person, *, version: int) -> None:
    """One more stakeholder, interview, voted strategy and recovery rows for ``person``.

    Recovery rows: a check-in schedule with an answered, nudged occurrence, a progress
    update addressing a grievance, a health snapshot, a notice, a digest run and a rating.
    """
    grievance = session.scalars(select(Grievance).where(Grievance.case_id == case.id)).first()
    assert grievance is not None
    interview = Interview(case_id=case.id, person_id=person.id, anonymous=version % 2 == 0)
    strategy = Strategy(case_id=case.id, version=version, author_id=person.id, summary="Plan")
    session.add_all(
        [CaseMember(case_id=case.id, person_id=person.id, role=Role.CLIENT_MEMBER), interview]
    )
    session.add(strategy)
    session.flush()
    session.add_all(
        [
            InterviewAnswer(interview_id=interview.id, position=1, question="Q?", answer="A."),
            StrategyAction(strategy_id=strategy.id, position=1, text="Do it", due=utcnow().date()),
            StrategyGrievance(strategy_id=strategy.id, grievance_id=grievance.id),
            Vote(
                strategy_id=strategy.id, person_id=person.id, kind=VoteKind.APPROVE, reaction="+1"
            ),
        ]
    )
    schedule = CheckinSchedule(
        case_id=case.id,
        created_by_id=person.id,
        channel_id=case.channel_id,
        days="mon",
        anchor=date(2024, 3, 4),
        time_of_day="09:30",
        timezone="UTC",
        questions=json.dumps(CHECKIN_QUESTIONS),
    )
    update = ProgressUpdate(
        case_id=case.id, author_id=person.id, strategy_id=strategy.id, text="Done"
    )
    session.add_all([schedule, update])
    session.flush()
    occurrence = CheckinOccurrence(
        schedule_id=schedule.id, due_at=_at(version), status=OccurrenceStatus.POSTED
    )
    session.add(occurrence)
    session.flush()
    session.add_all(
        [
            CheckinAnswer(
                occurrence_id=occurrence.id, person_id=person.id, question_index=0, rating=3
            ),
            CheckinNudge(occurrence_id=occurrence.id, person_id=person.id),
            ProgressUpdateGrievance(update_id=update.id, grievance_id=grievance.id),
            HealthSnapshot(case_id=case.id, score=version, components="{}"),
            Notice(case_id=case.id, kind="silence", key=str(person.id)),
            DigestRun(case_id=case.id, due_at=_at(version), status=OccurrenceStatus.POSTED),
            FinalRating(case_id=case.id, person_id=person.id, rating=5),
        ]
    )


def test_export_reads_each_case_in_a_fixed_number_of_queries(seeded: Fixture) -> None:
    """More entries, authors, revisions and playbook rows must not mean more queries."""
    db = Database.from_url(seeded.url)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with Session(db.engine) as session:  # rolled back: the module's data stays as seeded
            session.execute(select(1))  # opens the transaction, so its BEGIN is not counted

            def export_globex() -> ExportDocument:
                # One case, so each run starts with no people cached from another case.
                return build_export(
                    session=session, case_filter="C0GLOBEX", include_confidential=True
                )

            before = len(statements)
            small = export_globex()
            cost = len(statements) - before
            globex = session.scalars(select(Case).where(Case.channel_id == "C0GLOBEX")).one()
            for i in range(30):
                extra = Person(
                    workspace_id=globex.workspace_id,
                    slack_user_id=f"U0X{i}",
                    display_name=f"Extra {i}",
                    side=Side.CLIENT,
                )
                session.add(extra)
                session.flush()
                reply = TimelineEntry(
                    case_id=globex.id, kind="reply", author_id=extra.id, text=f"me too {i}"
                )
                session.add(reply)
                session.flush()
                session.add(EntryRevision(entry_id=reply.id, text="draft"))
                _add_playbook_rows(session, globex, extra, version=i + 1)
            session.flush()
            before = len(statements)
            large = export_globex()
            assert len(statements) - before == cost
            assert large.entry_count == small.entry_count + 30
            [grown] = large.cases
            assert len(grown.strategies) == len(grown.interviews) == len(grown.stakeholders) == 30
            recovery = (
                grown.checkin_schedules,
                grown.progress_updates,
                grown.health,
                grown.notices,
                grown.digests,
                grown.final_ratings,
            )
            assert [len(rows) for rows in recovery] == [30] * 6
            session.rollback()
    finally:
        db.dispose()
