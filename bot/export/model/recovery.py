"""How the recovery went: check-ins and their answers, health, the bot's notices and
digests, and the closing ratings."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.export.model.base import Instant, Record
from bot.export.model.people import PersonRef


class CheckinAnswerRecord(Record):
    """One answer to a check-in: a rating (1-5, by button) or a thread reply's text.

    ``question_index`` is the position in the schedule's ``questions`` (0-based), or -1 for
    a reply to a check-in that has no text question.
    """

    id: int
    person: PersonRef
    question_index: int
    rating: int | None
    text: str | None
    slack_ts: str | None
    created_at: Instant
    updated_at: Instant


class NudgeRecord(Record):
    """The reminder DM someone got for a check-in they had not answered."""

    id: int
    person: PersonRef
    sent_at: Instant


class OccurrenceRecord(Record):
    """One due time of a check-in schedule, what became of it, and who answered."""

    id: int
    due_at: Instant
    status: str
    late: bool
    claimed_at: Instant
    posted_at: Instant | None
    slack_channel: str | None
    slack_ts: str | None
    error: str | None
    answers: tuple[CheckinAnswerRecord, ...] = ()
    nudges: tuple[NudgeRecord, ...] = ()

    @property
    def respondents(self) -> int:
        """People who answered anything: a rating, or a reply that was not blanked."""
        return len(
            {a.person.id for a in self.answers if a.rating is not None or (a.text or "").strip()}
        )

    def average_ratings(self) -> dict[int, float]:
        """The mean rating per question index, counting each person's latest rating once.

        The same rule as the check-in's own tally (``bot.playbook.answers.latest_ratings``):
        two presses that raced past each other must not count one person twice.
        """
        latest: dict[tuple[int, int], tuple[int, int]] = {}
        for answer in self.answers:
            if answer.rating is None:
                continue
            key = (answer.person.id, answer.question_index)
            if key not in latest or answer.id > latest[key][0]:
                latest[key] = (answer.id, answer.rating)
        ratings: dict[int, list[int]] = {}
        for (_person, index), (_id, rating) in latest.items():
            ratings.setdefault(index, []).append(rating)
        return {index: sum(values) / len(values) for index, values in sorted(ratings.items())}


class CheckinScheduleRecord(Record):
    """A recurring check-in with every stored setting and all its occurrences, oldest first.

    ``questions`` is the stored JSON list parsed (see
    :func:`bot.export.stored.parse_json_column`); ``holidays`` the stored ISO dates.
    """

    id: int
    created_by: PersonRef | None
    channel_id: str
    days: str
    interval_weeks: int
    anchor: date
    time_of_day: str
    timezone: str
    audience: str
    questions: Any
    open_tally: bool
    paused: bool
    paused_reason: str | None
    pause_from: date | None
    pause_until: date | None
    holidays: tuple[str, ...]
    grace_minutes: int
    nudge_after_minutes: int
    checked_until: Instant
    created_at: Instant
    occurrences: tuple[OccurrenceRecord, ...] = ()


class HealthRecord(Record):
    """A health score as it was computed, with the components that explain it."""

    id: int
    score: int
    components: Any
    computed_at: Instant


class NoticeRecord(Record):
    """A say-once marker: the bot said ``kind`` about ``key`` at ``created_at``."""

    id: int
    kind: str
    key: str
    created_at: Instant


class DigestRecord(Record):
    """One due time of the weekly digest and what became of it."""

    id: int
    due_at: Instant
    status: str
    posted_at: Instant | None


class FinalRatingRecord(Record):
    """A stakeholder's closing rating; an ``anonymous`` one is as an anonymous interview:
    no id, person or answer time, only ``speaker``, and no score when ``withheld``."""

    id: int | None
    person: PersonRef | None
    speaker: str
    anonymous: bool
    withheld: bool = False
    rating: int | None
    comment: str | None
    requested_at: Instant
    answered_at: Instant | None


class CommitmentRecord(Record):
    """A promise on the case: its owner, due day, whether and when it was done, which
    reminders were given, and the grievances it answers (by number; one withheld from
    the reader is only counted)."""

    id: int
    number: int
    text: str
    owner: PersonRef | None
    created_by: PersonRef | None
    due: date
    internal: bool
    created_at: Instant
    done_at: Instant | None
    done_by: PersonRef | None
    done_note: str | None
    reminded_eve: bool
    reminded_day: bool
    overdue_told: bool
    slack_channel: str | None
    slack_ts: str | None
    answers: tuple[int, ...] = ()
    withheld_answers: int = 0


class PulseReplyRecord(Record):
    """One client-side person asked in a pulse round, and their answer if they gave one
    (by name: the DM told them the leads read who said what)."""

    id: int
    person: PersonRef
    rating: int | None
    comment: str | None
    answered_at: Instant | None
    dm_channel: str | None
    dm_ts: str | None


class PulseRoundRecord(Record):
    """One client pulse round: when it went out, who sent it early (None: the cadence),
    and each person it asked."""

    id: int
    number: int
    sent_at: Instant
    sent_by: PersonRef | None
    replies: list[PulseReplyRecord]


class ResponseTimeRecord(Record):
    """How fast one severity's grievances from one side were answered: medians in business
    minutes of those that got there (None: none yet), and how many missed a target.
    Derived from the grievances the client side may read (never a confidential one)."""

    severity: int
    side: str
    grievances: int
    acknowledge_minutes: int | None
    resolve_minutes: int | None
    missed_targets: int
