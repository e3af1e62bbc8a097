"""The export document: a case history as frozen, typed records, whatever the format.

The gathering code (:mod:`bot.export.gather`) reads the database into these records and
the writers only read them, so no ORM object escapes and no writer can trigger a lazy
load. The records are pydantic models: the JSON archive is their dump, each record's
fields in the order the archive gives its keys, so a field added here reaches the archive
without touching its writer.

A record that names a person holds a :class:`PersonRef`, enough to read the name; the
full :class:`PersonRecord` is listed once per case in :attr:`CaseRecord.people`.
"""

from bot.export.model.base import Instant, Record
from bot.export.model.document import FORMAT_VERSION, CaseRecord, ExportDocument
from bot.export.model.history import EntryRecord, GrievanceRecord, RevisionRecord
from bot.export.model.people import LeadRecord, MemberRecord, PersonRecord, PersonRef
from bot.export.model.playbook import (
    ActionRecord,
    AnswerRecord,
    InterviewRecord,
    ProgressUpdateRecord,
    QuestionSetRecord,
    StrategyRecord,
    VoteRecord,
)
from bot.export.model.recovery import (
    CheckinAnswerRecord,
    CheckinScheduleRecord,
    CommitmentRecord,
    DigestRecord,
    FinalRatingRecord,
    HealthRecord,
    NoticeRecord,
    NudgeRecord,
    OccurrenceRecord,
    PulseReplyRecord,
    PulseRoundRecord,
    ResponseTimeRecord,
)

__all__ = [
    "FORMAT_VERSION",
    "ActionRecord",
    "AnswerRecord",
    "CaseRecord",
    "CheckinAnswerRecord",
    "CheckinScheduleRecord",
    "CommitmentRecord",
    "DigestRecord",
    "EntryRecord",
    "ExportDocument",
    "FinalRatingRecord",
    "GrievanceRecord",
    "HealthRecord",
    "Instant",
    "InterviewRecord",
    "LeadRecord",
    "MemberRecord",
    "NoticeRecord",
    "NudgeRecord",
    "OccurrenceRecord",
    "PersonRecord",
    "PersonRef",
    "ProgressUpdateRecord",
    "PulseReplyRecord",
    "PulseRoundRecord",
    "QuestionSetRecord",
    "Record",
    "ResponseTimeRecord",
    "RevisionRecord",
    "StrategyRecord",
    "VoteRecord",
]
