"""A lead's export of their case: checked, gathered and noted, each in its own transaction.

The lead is checked before ``/grievance export`` is acknowledged (so a refusal is the
answer); the document is read after, since gathering it may outlast Slack's 3 seconds;
the export goes on the timeline only once the file has reached the lead's DM. The
listener holds only the ids of the case and the lead between those steps, never rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.export import ExportDocument, export_for_lead, note_exported
from bot.flows import scope
from bot.playbook import access
from bot.playbook.people import Profile
from storage.engine import Database
from storage.models import Case, Person


@dataclass(frozen=True, slots=True)
class Exporter:
    """A lead cleared to export a case: the ids, for the steps after the acknowledgement."""

    case_id: int
    person_id: int


def clear_lead(db: Database, *, team_id: str, channel_id: str, caller: Profile) -> Exporter:
    """The channel's case and its lead; refused for a channel without a case or a non-lead."""
    with db.transaction() as session:
        found = scope.case_and_actor(session, team_id=team_id, channel_id=channel_id, caller=caller)
        access.require(
            session=session, case=found.case, person=found.person, action=access.Action.EXPORT_CASE
        )
        return Exporter(case_id=found.case.id, person_id=found.person.id)


def gather(db: Database, exporter: Exporter, *, now: datetime) -> ExportDocument:
    """The case's history as the lead may take it away (read only)."""
    with db.reading() as session:
        return export_for_lead(
            session=session,
            case=session.get_one(Case, exporter.case_id),
            person=session.get_one(Person, exporter.person_id),
            now=now,
        )


def note(db: Database, exporter: Exporter, *, fmt: str) -> None:
    """Put the delivered export on the case timeline."""
    with db.transaction() as session:
        note_exported(
            session=session,
            case=session.get_one(Case, exporter.case_id),
            person=session.get_one(Person, exporter.person_id),
            fmt=fmt,
        )
