"""The people a case names, its leads and its stakeholders.

Person rows are looked up in batches, for everyone the case's rows name at once and
shared by the cases of one document, so no row ever costs a query of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.export import rules
from bot.export.gather.rows import CHUNK_SIZE
from bot.export.model import LeadRecord, MemberRecord, PersonRecord, PersonRef
from bot.export.stored import as_utc
from storage.models import CaseLead, CaseMember, Person, Role


class People:
    """Person records by id, loaded in batches, and the references records hold."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._records: dict[int, PersonRecord] = {}
        self._refs: dict[int, PersonRef] = {}

    def load(self, ids: Iterable[int | None]) -> None:
        """Read every person of ``ids`` not read yet, :data:`CHUNK_SIZE` per query."""
        missing = sorted({i for i in ids if i is not None and i not in self._records})
        for start in range(0, len(missing), CHUNK_SIZE):
            chunk = missing[start : start + CHUNK_SIZE]
            for person in self._session.scalars(select(Person).where(Person.id.in_(chunk))):
                record = PersonRecord(
                    id=person.id,
                    slack_user_id=person.slack_user_id,
                    display_name=person.display_name,
                    side=person.side.value,
                    role=person.role,
                    timezone=person.timezone,
                    slack_names=person.slack_names,
                    created_at=as_utc(person.created_at),
                )
                self._records[person.id] = record
                self._refs[person.id] = record.ref()

    def record(self, person_id: int) -> PersonRecord | None:
        """The full record, for the case's list of people."""
        return self._records.get(person_id)

    def ref(self, person_id: int | None) -> PersonRef | None:
        """The reference a record holds for a nullable foreign key."""
        return None if person_id is None else self._refs.get(person_id)

    def required(self, person_id: int, what: str) -> PersonRef:
        """The person a non-null foreign key names; missing means a broken database."""
        person = self._refs.get(person_id)
        if person is None:  # the foreign keys cascade, so this cannot happen in a sound database
            raise LookupError(f"{what} names missing person {person_id}")
        return person


class Roles:
    """Each person's role in the case, from its stakeholders and the people already read."""

    def __init__(self, members: Sequence[CaseMember], people: People) -> None:
        self._members = {member.person_id: member.role for member in members}
        self._people = people

    def of(self, person_id: int) -> Role:
        """Their role, by :func:`bot.export.rules.role_of`."""
        person = self._people.record(person_id)
        return rules.role_of(person_id, self._members, person.side if person else None)

    def speakers(self, anonymous: Iterable[int]) -> dict[int, str | None]:
        """What each anonymous person (by id) may be called, by the one anonymity rule."""
        return rules.speakers([(person_id, self.of(person_id)) for person_id in anonymous])


def load_leads(session: Session, case_id: int) -> list[CaseLead]:
    """The case's leads, in the order they were made leads."""
    return list(
        session.scalars(select(CaseLead).where(CaseLead.case_id == case_id).order_by(CaseLead.id))
    )


def load_members(session: Session, case_id: int) -> list[CaseMember]:
    """The case's stakeholders, in the order they joined."""
    return list(
        session.scalars(
            select(CaseMember).where(CaseMember.case_id == case_id).order_by(CaseMember.id)
        )
    )


def lead_records(leads: Sequence[CaseLead], people: People) -> list[LeadRecord]:
    """Each lead and who made them one."""
    return [
        LeadRecord(
            id=lead.id,
            person=people.required(lead.person_id, f"case lead {lead.id}"),
            added_by=people.ref(lead.added_by_id),
            created_at=as_utc(lead.created_at),
        )
        for lead in leads
    ]


def member_records(members: Sequence[CaseMember], people: People) -> list[MemberRecord]:
    """Each stakeholder and their role."""
    return [
        MemberRecord(
            id=member.id,
            person=people.required(member.person_id, f"case member {member.id}"),
            role=member.role.value,
            created_at=as_utc(member.created_at),
            updated_at=as_utc(member.updated_at),
        )
        for member in members
    ]
