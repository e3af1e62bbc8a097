"""Grievances and the timeline: what was raised, and everything said about the case."""

from __future__ import annotations

from bot.export.model.base import Instant, Record
from bot.export.model.people import PersonRef


class RevisionRecord(Record):
    """An earlier text of an entry, kept when its Slack message was edited."""

    id: int
    text: str
    replaced_at: Instant


class EntryRecord(Record):
    """One timeline entry; replies are the entries of kind ``reply`` under a grievance."""

    id: int
    kind: str
    author: PersonRef | None
    text: str
    slack_channel: str | None
    slack_ts: str | None
    grievance_id: int | None
    grievance_number: int | None
    confidential: bool
    edited: bool
    deleted: bool
    created_at: Instant
    revisions: tuple[RevisionRecord, ...] = ()


class GrievanceRecord(Record):
    """A grievance with every stored field and its thread replies, oldest first."""

    id: int
    number: int
    raised_by_name: str | None
    raised_by: PersonRef | None
    reporter: PersonRef | None
    side: str
    category: str
    severity: int
    text: str
    status: str
    confidential: bool
    cares_about: str | None
    success_measure: str | None
    went_well: str | None
    source_permalink: str | None
    slack_channel: str | None
    slack_ts: str | None
    created_at: Instant
    updated_at: Instant
    #: When it was first acknowledged, worked on and resolved (response times).
    acknowledged_at: Instant | None = None
    planned_at: Instant | None = None
    resolved_at: Instant | None = None
    #: Response targets warned of and missed (``bot.playbook.targets``).
    ack_warned: bool = False
    ack_missed: bool = False
    plan_warned: bool = False
    plan_missed: bool = False
    replies: tuple[EntryRecord, ...] = ()
    #: The leads it names, who do not see it in the bot (``bot.playbook.withheld``).
    withheld_from: tuple[PersonRef, ...] = ()

    @property
    def raised_by_label(self) -> str:
        """Who raised it, as a reader would say it: the recorded name, else the person."""
        if self.raised_by_name:
            return self.raised_by_name
        return self.raised_by.display_name if self.raised_by else ""
