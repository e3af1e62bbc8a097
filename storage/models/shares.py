"""Share links: a lead's read-only view of a case for the client's leadership.

Only a hash of the link's token is stored, so the database (or a backup of it) never
holds a working link; the link expires, and a lead can revoke it before then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.clock import utcnow
from storage.models.base import Base
from storage.models.workspace import Person


class ShareLink(Base):
    """One share link of one case: who made it, until when it works, whether revoked."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("client_case.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the token in the link, hex.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[Person | None] = relationship()
