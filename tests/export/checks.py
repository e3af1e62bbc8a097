"""Running ``grievance-bot export``, and checking what it wrote against the database:
every column of every row, by name or as a nested reference.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.export import as_utc
from storage.models import (
    Base,
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
    Notice,
    Person,
    ProgressUpdate,
    ProgressUpdateGrievance,
    PulseReply,
    PulseRound,
    Strategy,
    StrategyAction,
    StrategyGrievance,
    Vote,
)


def _export(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    status = main(["export", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _joined(record: dict[str, Any], key: str) -> dict[str, Any]:
    """``record`` with its one-per-line list column joined back as the database stores it."""
    return {**record, key: "\n".join(record[key])}


#: Tables whose rows ``_assert_exported`` has checked, so a new table cannot go unexported.
CHECKED_TABLES: set[str] = set()


def _assert_exported(
    session: Session,
    people: dict[int, dict[str, Any]],
    row: Base,
    record: dict[str, Any],
    *implicit: str,
) -> None:
    """Every column of ``row`` is in ``record``: by name, or a ``x_id`` as a nested ``x``.

    ``implicit`` names the columns the JSON nesting already says (a grievance's case_id).
    A nested person is a short reference whose full record is in the case's ``people``.
    """
    where = f"{type(row).__name__} {record.get('id')}"
    CHECKED_TABLES.add(row.__table__.name)  # type: ignore[attr-defined]
    for column in row.__table__.columns:  # type: ignore[attr-defined]
        if column.name in implicit:
            continue
        value = getattr(row, column.key)
        if column.name in record:
            assert record[column.name] == _json(value), f"{where}.{column.name}"
            continue
        nested_key = column.name.removesuffix("_id")
        assert nested_key != column.name and nested_key in record, (
            f"{where}: column {column.name} is not exported"
        )
        nested = record[nested_key]
        assert (nested["id"] if nested else None) == value, f"{where}.{column.name}"
        if nested:
            person = session.get(Person, value)
            assert person is not None
            assert nested == {
                "id": person.id,
                "display_name": person.display_name,
                "slack_user_id": person.slack_user_id,
                "side": person.side.value,
            }
            _assert_exported(session, people, person, people[person.id], "workspace_id")


def _stored_json(text: str) -> Any:
    """What the export makes of a JSON text column: the value, or the text if not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _by_id(records: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {record["id"]: record for record in records}


def _rows(session: Session, model: type[Base], *where: Any) -> list[Any]:
    return list(session.scalars(select(model).where(*where)))


def _assert_playbook_exported(
    session: Session, people: dict[int, dict[str, Any]], case: Case, exported: dict[str, Any]
) -> None:
    """Stakeholders, interviews, question sets and strategies, every column of every row."""
    members = _rows(session, CaseMember, CaseMember.case_id == case.id)
    assert len(exported["stakeholders"]) == len(members)
    for member in members:
        record = _by_id(exported["stakeholders"])[member.id]
        _assert_exported(session, people, member, record, "case_id")

    question_sets = _rows(session, InterviewQuestions, InterviewQuestions.case_id == case.id)
    assert len(exported["interview_questions"]) == len(question_sets)
    for question_set in question_sets:
        record = _by_id(exported["interview_questions"])[question_set.id]
        assert record["questions"] == question_set.questions.split("\n")
        _assert_exported(session, people, question_set, _joined(record, "questions"), "case_id")

    interviews = _rows(session, Interview, Interview.case_id == case.id)
    assert len(exported["interviews"]) == len(interviews)
    for interview in interviews:
        if interview.anonymous:  # deliberately lossy: see test_anonymous_..._nobody_singled_out
            continue
        record = _by_id(exported["interviews"])[interview.id]
        _assert_exported(session, people, interview, record, "case_id")
        answers = _rows(session, InterviewAnswer, InterviewAnswer.interview_id == interview.id)
        assert [a["position"] for a in record["answers"]] == sorted(a.position for a in answers)
        for answer in answers:
            exported_answer = _by_id(record["answers"])[answer.id]
            _assert_exported(session, people, answer, exported_answer, "interview_id")

    strategies = _rows(session, Strategy, Strategy.case_id == case.id)
    assert len(exported["strategies"]) == len(strategies)
    versions = {strategy.id: strategy.version for strategy in strategies}
    for strategy in strategies:
        record = _by_id(exported["strategies"])[strategy.id]
        _assert_exported(session, people, strategy, _joined(record, "success_measures"), "case_id")
        assert record["previous_version"] == versions.get(strategy.previous_id)
        actions = _rows(session, StrategyAction, StrategyAction.strategy_id == strategy.id)
        assert [a["position"] for a in record["actions"]] == sorted(a.position for a in actions)
        for action in actions:
            exported_action = _by_id(record["actions"])[action.id]
            _assert_exported(session, people, action, exported_action, "strategy_id")
        votes = _rows(session, Vote, Vote.strategy_id == strategy.id)
        assert len(record["votes"]) == len(votes)
        for vote in votes:
            _assert_exported(session, people, vote, _by_id(record["votes"])[vote.id], "strategy_id")
        addressed = session.scalars(
            select(Grievance.number)
            .join(StrategyGrievance, StrategyGrievance.grievance_id == Grievance.id)
            .where(StrategyGrievance.strategy_id == strategy.id)
        )
        # StrategyGrievance's two columns: the strategy by nesting, the grievance by number.
        assert record["addressed"] == sorted(addressed)
        assert record["withheld_addressed"] == 0


def _assert_checkins_exported(
    session: Session, people: dict[int, dict[str, Any]], case: Case, exported: dict[str, Any]
) -> None:
    """Check-in schedules, their occurrences, answers and nudges, every column of every row."""
    schedules = _rows(session, CheckinSchedule, CheckinSchedule.case_id == case.id)
    assert [s["id"] for s in exported["checkin_schedules"]] == sorted(s.id for s in schedules)
    for schedule in schedules:
        record = _by_id(exported["checkin_schedules"])[schedule.id]
        assert record["questions"] == _stored_json(schedule.questions)
        stored = {
            **record,
            "questions": schedule.questions,
            "holidays": ",".join(record["holidays"]),
        }
        _assert_exported(session, people, schedule, stored, "case_id")
        occurrences = _rows(
            session, CheckinOccurrence, CheckinOccurrence.schedule_id == schedule.id
        )
        by_due = sorted(occurrences, key=lambda o: as_utc(o.due_at))
        assert [o["id"] for o in record["occurrences"]] == [o.id for o in by_due]
        for occurrence in occurrences:
            exported_occurrence = _by_id(record["occurrences"])[occurrence.id]
            _assert_exported(session, people, occurrence, exported_occurrence, "schedule_id")
            answers = _rows(session, CheckinAnswer, CheckinAnswer.occurrence_id == occurrence.id)
            assert len(exported_occurrence["answers"]) == len(answers)
            for answer in answers:
                exported_answer = _by_id(exported_occurrence["answers"])[answer.id]
                _assert_exported(session, people, answer, exported_answer, "occurrence_id")
            nudges = _rows(session, CheckinNudge, CheckinNudge.occurrence_id == occurrence.id)
            assert len(exported_occurrence["nudges"]) == len(nudges)
            for nudge in nudges:
                exported_nudge = _by_id(exported_occurrence["nudges"])[nudge.id]
                _assert_exported(session, people, nudge, exported_nudge, "occurrence_id")


def _assert_recovery_exported(
    session: Session, people: dict[int, dict[str, Any]], case: Case, exported: dict[str, Any]
) -> None:
    """Progress updates, health, notices, digests and final ratings, every column."""
    _assert_checkins_exported(session, people, case, exported)

    updates = _rows(session, ProgressUpdate, ProgressUpdate.case_id == case.id)
    assert [u["id"] for u in exported["progress_updates"]] == sorted(u.id for u in updates)
    versions = {s.id: s.version for s in _rows(session, Strategy, Strategy.case_id == case.id)}
    for update in updates:
        record = _by_id(exported["progress_updates"])[update.id]
        _assert_exported(session, people, update, record, "case_id")
        assert record["strategy_version"] == versions.get(update.strategy_id)
        addressed = session.scalars(
            select(Grievance.number)
            .join(ProgressUpdateGrievance, ProgressUpdateGrievance.grievance_id == Grievance.id)
            .where(ProgressUpdateGrievance.update_id == update.id)
        )
        # The link table's two columns: the update by nesting, the grievance by number.
        assert record["addressed"] == sorted(addressed)
        assert record["withheld_addressed"] == 0

    snapshots = _rows(session, HealthSnapshot, HealthSnapshot.case_id == case.id)
    assert [h["id"] for h in exported["health"]] == sorted(h.id for h in snapshots)
    for snapshot in snapshots:
        record = _by_id(exported["health"])[snapshot.id]
        assert record["components"] == _stored_json(snapshot.components)
        stored = {**record, "components": snapshot.components}
        _assert_exported(session, people, snapshot, stored, "case_id")

    commitments = _rows(session, Commitment, Commitment.case_id == case.id)
    assert [c["id"] for c in exported["commitments"]] == [c.id for c in commitments]
    for commitment in commitments:
        record = _by_id(exported["commitments"])[commitment.id]
        _assert_exported(session, people, commitment, record, "case_id")
        answers = session.scalars(
            select(Grievance.number)
            .join(CommitmentGrievance, CommitmentGrievance.grievance_id == Grievance.id)
            .where(CommitmentGrievance.commitment_id == commitment.id)
        )
        assert record["answers"] == sorted(answers)

    rounds = _rows(session, PulseRound, PulseRound.case_id == case.id)
    assert [r["id"] for r in exported["pulse"]] == [r.id for r in rounds]
    assert exported["pulse_weeks"] == case.pulse_weeks
    for pulse in rounds:
        record = _by_id(exported["pulse"])[pulse.id]
        _assert_exported(session, people, pulse, record, "case_id")
        replies = _rows(session, PulseReply, PulseReply.round_id == pulse.id)
        assert [r["id"] for r in record["replies"]] == [r.id for r in replies]
        for reply in replies:
            _assert_exported(
                session, people, reply, _by_id(record["replies"])[reply.id], "round_id"
            )

    for model, key in ((Notice, "notices"), (DigestRun, "digests"), (FinalRating, "final_ratings")):
        rows = _rows(session, model, model.case_id == case.id)  # type: ignore[attr-defined]
        assert len(exported[key]) == len(rows), key
        for row in rows:
            if getattr(row, "anonymous", False):  # deliberately lossy, as interviews are
                continue
            _assert_exported(session, people, row, _by_id(exported[key])[row.id], "case_id")
