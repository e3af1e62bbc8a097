"""What the web pages read: the cases a signed-in person may see, and one case as they
may see it.

The policy is Slack's, asked of ``bot.playbook.access``: a case is visible to whoever
takes part in it (``belongs_to``: its leads, its workspace's delivery team, its
stakeholders), confidential items to its leads only (``VIEW_CONFIDENTIAL``), and what
each reader gets of a case is what an export for them would hold (``bot.export``), so
anonymity and withholding are decided once for Slack, exports and pages. Anything a
reader may not see reads as missing: the page answers 404, as for an id that never was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.export import CaseRecord, case_for_reader
from bot.playbook import access
from bot.playbook.digest.contents import health_series
from storage.engine import Database
from storage.models import Case, Person


@dataclass(frozen=True, slots=True)
class Reader:
    """Who signed in, as Slack vouched for them (``bot.webview.signin``)."""

    user_id: str
    team_id: str


@dataclass(frozen=True, slots=True)
class CaseListing:
    """One line of the case list: the case, its stage and how its health moves."""

    case_id: int
    client_name: str
    stage: str
    closed: bool
    health: tuple[tuple[datetime, int], ...]

    @property
    def score(self) -> int | None:
        return self.health[-1][1] if self.health else None

    @property
    def change(self) -> int | None:
        """Latest score minus the one before, when there are two."""
        return self.health[-1][1] - self.health[-2][1] if len(self.health) > 1 else None


@dataclass(frozen=True, slots=True)
class CasePage:
    """One case as its reader may see it, and where they stand on it."""

    record: CaseRecord
    role: access.AccessRole


def _people(session: Session, reader: Reader) -> Sequence[Person]:
    """The reader as each workspace knows them. Slack user ids are unique across Slack,
    so a Slack Connect partner signed in to their own workspace is found in the bot's."""
    return list(session.scalars(select(Person).where(Person.slack_user_id == reader.user_id)))


def visible_cases(db: Database, reader: Reader) -> list[CaseListing]:
    """The cases ``reader`` takes part in, open ones first, each with its health."""
    with db.reading() as session:
        found: list[CaseListing] = []
        for person in _people(session, reader):
            for case in session.scalars(
                select(Case).where(Case.workspace_id == person.workspace_id).order_by(Case.id)
            ):
                if access.belongs_to(session=session, case=case, person=person):
                    found.append(
                        CaseListing(
                            case_id=case.id,
                            client_name=case.client_name,
                            stage=case.stage.value,
                            closed=case.closed_at is not None,
                            health=tuple(health_series(session=session, case=case)),
                        )
                    )
        return sorted(found, key=lambda c: (c.closed, c.client_name.casefold(), c.case_id))


def case_page(db: Database, reader: Reader, case_id: int) -> CasePage | None:
    """Case ``case_id`` as ``reader`` may see it; None when it is not theirs to see."""
    with db.reading() as session:
        found = _case_and_person(session, reader, case_id)
        if found is None:
            return None
        case, person = found
        role = access.role_of(session=session, case=case, person=person)
        record = case_for_reader(
            session=session,
            case=case,
            include_confidential=access.allows(
                session=session, case=case, person=person, action=access.Action.VIEW_CONFIDENTIAL
            ),
            reader=person,
        )
        return CasePage(record=record, role=role)


def _case_and_person(session: Session, reader: Reader, case_id: int) -> tuple[Case, Person] | None:
    """The case and the reader as its workspace knows them, when they take part in it."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    for person in _people(session, reader):
        if access.belongs_to(session=session, case=case, person=person):
            return case, person
    return None
