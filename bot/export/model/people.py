"""The people a case history names, and the leads and stakeholders among them."""

from __future__ import annotations

from bot.export.model.base import Instant, Record


class PersonRef(Record):
    """How a record names a person: enough to read it; the full record is in ``people``."""

    id: int
    display_name: str
    slack_user_id: str | None
    side: str


class PersonRecord(Record):
    """Someone named in the history, with enough to recognise them outside Slack."""

    id: int
    slack_user_id: str | None
    display_name: str
    side: str
    role: str | None
    timezone: str | None
    #: Every name Slack gave them, one per line (how confidential routing recognises them).
    slack_names: str | None
    created_at: Instant

    def ref(self) -> PersonRef:
        """The short reference the other records hold."""
        return PersonRef(
            id=self.id,
            display_name=self.display_name,
            slack_user_id=self.slack_user_id,
            side=self.side,
        )


class LeadRecord(Record):
    """A lead of a case and who made them one."""

    id: int
    person: PersonRef
    added_by: PersonRef | None
    created_at: Instant


class MemberRecord(Record):
    """A stakeholder of the case and their role; ``created_at`` is when they joined,
    ``updated_at`` their last role change."""

    id: int
    person: PersonRef
    role: str
    created_at: Instant
    updated_at: Instant
