"""Check-in schedules with every stored setting, their occurrences, answers and nudges.

Check-in answers are exported in full (:mod:`bot.export.rules`): they were given in the
channel, by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from bot.export.gather.people import People
from bot.export.gather.rows import grouped
from bot.export.model import (
    CheckinAnswerRecord,
    CheckinScheduleRecord,
    NudgeRecord,
    OccurrenceRecord,
)
from bot.export.stored import as_utc, as_utc_or_none, parse_json_column, split_commas
from storage.models import CheckinAnswer, CheckinNudge, CheckinOccurrence, CheckinSchedule


@dataclass(frozen=True, slots=True)
class CheckinRows:
    """A case's check-in rows, read before the people so answerers join the one lookup."""

    schedules: list[CheckinSchedule]
    #: Occurrence rows by schedule id, answer and nudge rows by occurrence id.
    occurrences: dict[int, list[Row[Any]]]
    answers: dict[int, list[Row[Any]]]
    nudges: dict[int, list[Row[Any]]]

    def person_ids(self) -> Iterator[int | None]:
        """Everyone these rows name: schedule owners, answerers, nudged people."""
        yield from (schedule.created_by_id for schedule in self.schedules)
        for rows in (*self.answers.values(), *self.nudges.values()):
            yield from (row.person_id for row in rows)


def load_checkins(session: Session, case_id: int) -> CheckinRows:
    """Schedules, occurrences, answers and nudges of the case: four queries, any volume.

    Occurrences, answers and nudges are plain column rows: a daily check-in answered by a
    dozen people for a year is tens of thousands of rows, too many for the identity map.
    """
    schedules = list(
        session.scalars(
            select(CheckinSchedule)
            .where(CheckinSchedule.case_id == case_id)
            .order_by(CheckinSchedule.id)
        )
    )
    occurrences = session.execute(
        select(
            CheckinOccurrence.id,
            CheckinOccurrence.schedule_id,
            CheckinOccurrence.due_at,
            CheckinOccurrence.status,
            CheckinOccurrence.late,
            CheckinOccurrence.claimed_at,
            CheckinOccurrence.posted_at,
            CheckinOccurrence.slack_channel,
            CheckinOccurrence.slack_ts,
            CheckinOccurrence.error,
        )
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(CheckinSchedule.case_id == case_id)
        .order_by(CheckinOccurrence.schedule_id, CheckinOccurrence.due_at, CheckinOccurrence.id)
    )
    answers = session.execute(
        select(
            CheckinAnswer.id,
            CheckinAnswer.occurrence_id,
            CheckinAnswer.person_id,
            CheckinAnswer.question_index,
            CheckinAnswer.rating,
            CheckinAnswer.text,
            CheckinAnswer.slack_ts,
            CheckinAnswer.created_at,
            CheckinAnswer.updated_at,
        )
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinAnswer.occurrence_id)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(CheckinSchedule.case_id == case_id)
        .order_by(CheckinAnswer.occurrence_id, CheckinAnswer.question_index, CheckinAnswer.id)
    )
    nudges = session.execute(
        select(
            CheckinNudge.id,
            CheckinNudge.occurrence_id,
            CheckinNudge.person_id,
            CheckinNudge.sent_at,
        )
        .join(CheckinOccurrence, CheckinOccurrence.id == CheckinNudge.occurrence_id)
        .join(CheckinSchedule, CheckinSchedule.id == CheckinOccurrence.schedule_id)
        .where(CheckinSchedule.case_id == case_id)
        .order_by(CheckinNudge.occurrence_id, CheckinNudge.id)
    )
    return CheckinRows(
        schedules=schedules,
        occurrences=grouped(occurrences, "schedule_id"),
        answers=grouped(answers, "occurrence_id"),
        nudges=grouped(nudges, "occurrence_id"),
    )


def checkin_records(rows: CheckinRows, people: People) -> list[CheckinScheduleRecord]:
    """Each schedule with every stored setting and its occurrences, oldest due first."""
    return [
        CheckinScheduleRecord(
            id=schedule.id,
            created_by=people.ref(schedule.created_by_id),
            channel_id=schedule.channel_id,
            days=schedule.days,
            interval_weeks=schedule.interval_weeks,
            anchor=schedule.anchor,
            time_of_day=schedule.time_of_day,
            timezone=schedule.timezone,
            audience=schedule.audience.value,
            questions=parse_json_column(schedule.questions),
            open_tally=schedule.open_tally,
            paused=schedule.paused,
            paused_reason=schedule.paused_reason,
            pause_from=schedule.pause_from,
            pause_until=schedule.pause_until,
            holidays=split_commas(schedule.holidays),
            grace_minutes=schedule.grace_minutes,
            nudge_after_minutes=schedule.nudge_after_minutes,
            checked_until=as_utc(schedule.checked_until),
            created_at=as_utc(schedule.created_at),
            occurrences=tuple(
                _occurrence_record(row, rows, people)
                for row in rows.occurrences.get(schedule.id, ())
            ),
        )
        for schedule in rows.schedules
    ]


def _occurrence_record(row: Row[Any], rows: CheckinRows, people: People) -> OccurrenceRecord:
    return OccurrenceRecord(
        id=row.id,
        due_at=as_utc(row.due_at),
        status=row.status.value,
        late=row.late,
        claimed_at=as_utc(row.claimed_at),
        posted_at=as_utc_or_none(row.posted_at),
        slack_channel=row.slack_channel,
        slack_ts=row.slack_ts,
        error=row.error,
        answers=tuple(
            CheckinAnswerRecord(
                id=answer.id,
                person=people.required(answer.person_id, f"check-in answer {answer.id}"),
                question_index=answer.question_index,
                rating=answer.rating,
                text=answer.text,
                slack_ts=answer.slack_ts,
                created_at=as_utc(answer.created_at),
                updated_at=as_utc(answer.updated_at),
            )
            for answer in rows.answers.get(row.id, ())
        ),
        nudges=tuple(
            NudgeRecord(
                id=nudge.id,
                person=people.required(nudge.person_id, f"check-in nudge {nudge.id}"),
                sent_at=as_utc(nudge.sent_at),
            )
            for nudge in rows.nudges.get(row.id, ())
        ),
    )
