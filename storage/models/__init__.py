"""Typed ORM models of the case history, one module per aggregate.

:mod:`~storage.models.base` holds the declarative base and how enumerations are stored;
the models are in :mod:`~storage.models.workspace` (workspaces, people),
:mod:`~storage.models.cases` (a case, its leads and members, its timeline),
:mod:`~storage.models.grievances`, :mod:`~storage.models.interviews`,
:mod:`~storage.models.strategy` (versions, votes, progress updates),
:mod:`~storage.models.checkins`, :mod:`~storage.models.commitments`,
:mod:`~storage.models.reporting` (health, digests,
notices, final ratings), :mod:`~storage.models.shares` (share links) and
:mod:`~storage.models.operations` (the bot's own bookkeeping). Every model, ``Base``
and the playbook's enumerations (from ``bot.vocabulary``, which the models map to
columns) are re-exported here, so
``from storage.models import X`` and Alembic's ``Base.metadata`` see every table.
"""

from bot.vocabulary import (
    Audience,
    BuyInRule,
    Category,
    ClosingOutcome,
    InterviewStatus,
    OccurrenceStatus,
    Role,
    Side,
    Stage,
    Status,
    StrategyStatus,
    VoteKind,
)
from storage.models.base import (
    NAMING_CONVENTION,
    Base,
)
from storage.models.cases import (
    Case,
    CaseLead,
    CaseMember,
    EntryRevision,
    TimelineEntry,
)
from storage.models.checkins import (
    CheckinAnswer,
    CheckinNudge,
    CheckinOccurrence,
    CheckinSchedule,
)
from storage.models.commitments import (
    Commitment,
    CommitmentGrievance,
)
from storage.models.grievances import (
    CaseLoad,
    Escalation,
    Grievance,
    GrievanceWithheld,
)
from storage.models.interviews import (
    Interview,
    InterviewAnswer,
    InterviewQuestions,
)
from storage.models.operations import (
    HealthProbe,
    HeldText,
    ProcessedEvent,
    SeenRequest,
)
from storage.models.pulse import PulseReply, PulseRound
from storage.models.reporting import (
    DigestRun,
    FinalRating,
    HealthSnapshot,
    Notice,
)
from storage.models.shares import ShareLink
from storage.models.strategy import (
    ProgressUpdate,
    ProgressUpdateGrievance,
    Strategy,
    StrategyAction,
    StrategyGrievance,
    Vote,
)
from storage.models.workspace import (
    Person,
    Workspace,
)

__all__ = [
    "NAMING_CONVENTION",
    "Audience",
    "Base",
    "BuyInRule",
    "Case",
    "CaseLead",
    "CaseLoad",
    "CaseMember",
    "Category",
    "CheckinAnswer",
    "CheckinNudge",
    "CheckinOccurrence",
    "CheckinSchedule",
    "ClosingOutcome",
    "Commitment",
    "CommitmentGrievance",
    "DigestRun",
    "EntryRevision",
    "Escalation",
    "FinalRating",
    "Grievance",
    "GrievanceWithheld",
    "HealthProbe",
    "HealthSnapshot",
    "HeldText",
    "Interview",
    "InterviewAnswer",
    "InterviewQuestions",
    "InterviewStatus",
    "Notice",
    "OccurrenceStatus",
    "Person",
    "ProcessedEvent",
    "ProgressUpdate",
    "ProgressUpdateGrievance",
    "PulseReply",
    "PulseRound",
    "Role",
    "SeenRequest",
    "ShareLink",
    "Side",
    "Stage",
    "Status",
    "Strategy",
    "StrategyAction",
    "StrategyGrievance",
    "StrategyStatus",
    "TimelineEntry",
    "Vote",
    "VoteKind",
    "Workspace",
]
