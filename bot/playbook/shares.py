"""Share links: how long they work, who may make and revoke them, how they are found.

A lead makes one for the client's leadership, who may have no Slack access: it opens the
case's client-facing view, read only, with no sign-in, for ``LIFETIME`` unless a lead
revokes it first. The token is shown once; only its SHA-256 is kept, so a link cannot be
read back out of the database, and a lookup compares hashes, not tokens.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.playbook import access
from bot.playbook.answers import aware
from storage.models import Case, Person, ShareLink

LIFETIME = timedelta(days=7)
#: What ``secrets.token_urlsafe(32)`` makes; anything else is no token of ours.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


class LinkState(enum.Enum):
    """What a token in an address stands for."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Found:
    """A token looked up: its state and, when valid, the case it opens."""

    state: LinkState
    case_id: int | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(*, session: Session, case: Case, person: Person | None, now: datetime) -> str:
    """A new link's token for ``case``; only its leads may make one."""
    maker = access.require(session=session, case=case, person=person, action=access.Action.SHARE)
    token = secrets.token_urlsafe(32)
    session.add(
        ShareLink(
            case_id=case.id,
            token_hash=_hash(token),
            created_by_id=maker.id,
            created_at=aware(now),
            expires_at=aware(now) + LIFETIME,
        )
    )
    return token


def revoke(
    *, session: Session, case: Case, person: Person | None, link_id: int, now: datetime
) -> bool:
    """Stop link ``link_id`` of ``case`` working; False when there is no such live link."""
    access.require(session=session, case=case, person=person, action=access.Action.SHARE)
    link = session.get(ShareLink, link_id)
    if link is None or link.case_id != case.id or link.revoked_at is not None:
        return False
    link.revoked_at = aware(now)
    return True


def live(*, session: Session, case: Case, now: datetime) -> list[ShareLink]:
    """The case's links that still work, newest first."""
    return list(
        session.scalars(
            select(ShareLink)
            .where(
                ShareLink.case_id == case.id,
                ShareLink.revoked_at.is_(None),
                ShareLink.expires_at > aware(now),
            )
            .order_by(ShareLink.id.desc())
        )
    )


def find(*, session: Session, token: str, now: datetime) -> Found:
    """What ``token`` opens, if anything, at ``now``."""
    if not _TOKEN.fullmatch(token):
        return Found(LinkState.UNKNOWN)
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == _hash(token)))
    if link is None:
        return Found(LinkState.UNKNOWN)
    if link.revoked_at is not None:
        return Found(LinkState.REVOKED)
    if aware(link.expires_at) <= aware(now):
        return Found(LinkState.EXPIRED)
    return Found(LinkState.VALID, link.case_id)
