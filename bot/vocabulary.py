"""The playbook's vocabulary: sides, roles, stages and the states things go through.

These are the words every layer shares, from the database's columns to the Block Kit a
person reads. They live here, apart from ``storage``, so that listeners and builders can
speak of a client leader or a resolved grievance without reaching for the database (step
10's rule, ``tests/unit/test_layers.py``); ``storage.models`` maps them to columns.
"""

from __future__ import annotations

import enum


class Side(enum.StrEnum):
    """Which side of the relationship a person speaks for."""

    CLIENT = "client"
    TEAM = "team"


class Stage(enum.StrEnum):
    """Where a case is in the recovery playbook."""

    STABILIZE = "stabilize"
    REWORK = "rework"
    RECOVERED = "recovered"


class ClosingOutcome(enum.StrEnum):
    """How a case ended, as the lead who closed it chose: only one of them is a recovery."""

    RECOVERED = "recovered"
    NOT_RECOVERED = "not_recovered"
    CLIENT_LEFT = "client_left"


class BuyInRule(enum.StrEnum):
    """When a strategy counts as agreed."""

    #: At least one client leader and one team lead approve, and no client leader objects.
    DEFAULT = "default"
    #: More than half of the client leadership approves, and at least one team lead.
    CLIENT_MAJORITY = "client_majority"


class Category(enum.StrEnum):
    """What a grievance is about."""

    QUALITY = "quality"
    TIMELINE = "timeline"
    COMMUNICATION = "communication"
    COST = "cost"
    SCOPE = "scope"
    PEOPLE = "people"
    OTHER = "other"


class Status(enum.StrEnum):
    """Where a grievance is in its lifecycle; resolved and withdrawn are final."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ADDRESSING = "addressing"
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"


class Role(enum.StrEnum):
    """A stakeholder's role in a case."""

    CLIENT_LEADER = "client_leader"
    CLIENT_MEMBER = "client_member"
    TEAM_LEAD = "team_lead"
    TEAM_MEMBER = "team_member"

    @property
    def side(self) -> Side:
        """The side this role speaks for."""
        return Side.CLIENT if self.value.startswith("client") else Side.TEAM


class InterviewStatus(enum.StrEnum):
    """Where an interview stands."""

    INVITED = "invited"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"


class StrategyStatus(enum.StrEnum):
    """Where a strategy version stands."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    #: Buy-in was reached on this version, then a counted approval went or an objection
    #: came: waiting for it again. (A plain string column: no migration for a new value.)
    LOST = "lost"
    SUPERSEDED = "superseded"


class VoteKind(enum.StrEnum):
    """What a reaction on a strategy means."""

    APPROVE = "approve"
    OBJECT = "object"


class Audience(enum.StrEnum):
    """Who a check-in asks."""

    EVERYONE = "everyone"
    CLIENT = "client"
    TEAM = "team"


class OccurrenceStatus(enum.StrEnum):
    """What became of one due time of a schedule."""

    CLAIMED = "claimed"
    POSTED = "posted"
    SKIPPED = "skipped"
    FAILED = "failed"
    #: Slack was unavailable when it was posted; a later run within the grace period
    #: claims it again (check-ins only).
    RETRY = "retry"
    #: Slack stayed unavailable until its grace period ran out; its owner is told
    #: (check-ins only).
    MISSED = "missed"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` with ``word``, in the plural unless it is one ("1 day", "2 days");
    ``many`` for a word whose plural is not ``word`` + s ("people")."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"
