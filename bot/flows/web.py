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
from bot.playbook import access, shares
from bot.playbook.answers import aware
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
class ShareView:
    """A live share link as its case page lists it (the token itself is never kept)."""

    link_id: int
    created_by: str | None
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CasePage:
    """One case as its reader may see it and, for its leads, the share links that work."""

    record: CaseRecord
    may_share: bool = False
    shares: tuple[ShareView, ...] = ()


@dataclass(frozen=True, slots=True)
class SharedCase:
    """What a share link opens: the client-facing view, or why it opens nothing."""

    state: shares.LinkState
    record: CaseRecord | None = None


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


def case_page(db: Database, reader: Reader, case_id: int, *, now: datetime) -> CasePage | None:
    """Case ``case_id`` as ``reader`` may see it; None when it is not theirs to see."""
    with db.reading() as session:
        found = _case_and_person(session, reader, case_id)
        if found is None:
            return None
        case, person = found
        record = case_for_reader(
            session=session,
            case=case,
            include_confidential=access.allows(
                session=session, case=case, person=person, action=access.Action.VIEW_CONFIDENTIAL
            ),
            reader=person,
        )
        may_share = access.allows(
            session=session, case=case, person=person, action=access.Action.SHARE
        )
        links = shares.live(session=session, case=case, now=now) if may_share else []
        return CasePage(
            record=record,
            may_share=may_share,
            shares=tuple(
                ShareView(
                    link_id=link.id,
                    created_by=link.created_by.display_name if link.created_by else None,
                    created_at=aware(link.created_at),
                    expires_at=aware(link.expires_at),
                )
                for link in links
            ),
        )


def create_share(db: Database, reader: Reader, case_id: int, *, now: datetime) -> str | None:
    """A new share link's token for case ``case_id``; None when the case is not the
    reader's to see. Refused (``PlaybookError``) for anyone but its leads."""
    with db.transaction() as session:
        found = _case_and_person(session, reader, case_id)
        if found is None:
            return None
        case, person = found
        return shares.create(session=session, case=case, person=person, now=now)


def revoke_share(
    db: Database, reader: Reader, case_id: int, link_id: int, *, now: datetime
) -> bool:
    """Revoke link ``link_id`` of case ``case_id``; False when there is no such live link
    on a case the reader sees. Refused (``PlaybookError``) for anyone but its leads."""
    with db.transaction() as session:
        found = _case_and_person(session, reader, case_id)
        if found is None:
            return False
        case, person = found
        return shares.revoke(session=session, case=case, person=person, link_id=link_id, now=now)


def shared_case(db: Database, token: str, *, now: datetime) -> SharedCase:
    """What ``token`` opens now: the case's client-facing view (no confidential item,
    no internal commitment, anonymous answers anonymous), or why nothing."""
    with db.reading() as session:
        found = shares.find(session=session, token=token, now=now)
        case = session.get(Case, found.case_id) if found.case_id is not None else None
        if case is None:
            return SharedCase(found.state if found.case_id is None else shares.LinkState.UNKNOWN)
        record = case_for_reader(
            session=session, case=case, include_confidential=False, reader=None
        )
        return SharedCase(found.state, record)


def _case_and_person(session: Session, reader: Reader, case_id: int) -> tuple[Case, Person] | None:
    """The case and the reader as its workspace knows them, when they take part in it."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    for person in _people(session, reader):
        if access.belongs_to(session=session, case=case, person=person):
            return case, person
    return None
