"""The whole export: each case with its history, and what was withheld from the reader."""

from __future__ import annotations

from pydantic import Field, computed_field

from bot.export.model.base import Instant, Record
from bot.export.model.history import EntryRecord, GrievanceRecord
from bot.export.model.people import LeadRecord, MemberRecord, PersonRecord
from bot.export.model.playbook import (
    InterviewRecord,
    ProgressUpdateRecord,
    QuestionSetRecord,
    StrategyRecord,
)
from bot.export.model.recovery import (
    CheckinScheduleRecord,
    CommitmentRecord,
    DigestRecord,
    FinalRatingRecord,
    HealthRecord,
    NoticeRecord,
    PulseRoundRecord,
    ResponseTimeRecord,
)

#: Bumped when a consumer of the JSON would have to change how it reads the document.
FORMAT_VERSION = 1


class CaseRecord(Record):
    """One case and its whole history, as much of it as the caller may see.

    ``people`` is everyone the exported records name (leads, stakeholders, interviewees,
    raisers, reporters, authors, voters, check-in answerers, raters, commitment owners),
    by id, so a format can list each person once and refer to them briefly elsewhere.
    The settings come first and the lists after, in the order the JSON archive gives them.
    """

    id: int
    workspace_id: int
    team_id: str
    workspace_url: str | None
    channel_id: str
    client_name: str
    stage: str
    named: bool
    buyin_rule: str
    interview_reminder_hours: int
    digest_weekday: int
    digest_time: str
    digest_timezone: str
    #: The daily window response targets count in, and the targets a lead set (JSON of
    #: severity → [acknowledge, plan] business minutes; None: the defaults).
    business_hours: str
    response_targets: str | None
    closed_at: Instant | None
    #: How a lead said the case ended (``recovered``, ``not_recovered``, ``client_left``).
    closing_outcome: str | None
    created_at: Instant
    updated_at: Instant
    withheld_confidential: int
    withheld_confidential_entries: int
    people: list[PersonRecord]
    leads: list[LeadRecord]
    stakeholders: list[MemberRecord]
    interview_questions: list[QuestionSetRecord]
    interviews: list[InterviewRecord]
    grievances: list[GrievanceRecord]
    strategies: list[StrategyRecord]
    progress_updates: list[ProgressUpdateRecord]
    checkin_schedules: list[CheckinScheduleRecord]
    commitments: list[CommitmentRecord]
    #: Weeks between client pulses a lead chose (0: off; None: the stage's default).
    pulse_weeks: int | None
    pulse: list[PulseRoundRecord]
    response_times: list[ResponseTimeRecord]
    health: list[HealthRecord]
    digests: list[DigestRecord]
    final_ratings: list[FinalRatingRecord]
    notices: list[NoticeRecord]
    timeline: list[EntryRecord]


class ExportDocument(Record):
    """Everything one export writes, independent of the output format."""

    exported_at: Instant
    format_version: int = FORMAT_VERSION
    case_filter: str | None = None
    include_confidential: bool
    #: Made for one lead from Slack: what is withheld names them, no option brings it back.
    for_reader: bool = Field(default=False, exclude=True)
    cases: list[CaseRecord]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def withheld_confidential(self) -> int:
        """Confidential grievances left out, so readers know the history is partial."""
        return sum(case.withheld_confidential for case in self.cases)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def withheld_confidential_entries(self) -> int:
        """Timeline entries left out with those grievances."""
        return sum(case.withheld_confidential_entries for case in self.cases)

    @property
    def kept_from_leads(self) -> int:
        """Grievances exported that the bot keeps from the leads they name."""
        return sum(1 for case in self.cases for g in case.grievances if g.withheld_from)

    @property
    def entry_count(self) -> int:
        """Timeline entries exported, for the CLI's summary line."""
        return sum(len(case.timeline) for case in self.cases)

    @property
    def grievance_count(self) -> int:
        """Grievances exported, for the CLI's summary line."""
        return sum(len(case.grievances) for case in self.cases)
