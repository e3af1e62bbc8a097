"""Rows the bot keeps for its own running, not for a case's history.

Slack deliveries and signed requests already taken (so retries and replays are handled
once), words held until their typist chooses, and the health probe's write test.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.clock import utcnow
from storage.models.base import Base


class ProcessedEvent(Base):
    """An Events API delivery already taken, so Slack's retries are handled once."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class SeenRequest(Base):
    """The signature of a slash command or interaction already taken.

    Slack never sends the same signed request twice (each carries a fresh timestamp and
    trigger), so a signature seen again is a replay by someone who captured it; Bolt only
    refuses replays older than five minutes, this refuses the rest.
    """

    __tablename__ = "seen_request"

    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class HeldText(Base):
    """Words typed into ``/grievance`` that read two ways, kept until the typist chooses.

    A button's value holds at most 2,000 characters; longer words wait here, behind a
    random key, for the *File as grievance* or *Run* press (``bot.playbook.readings``).
    Only the typist can redeem them, and they are pruned after a day.
    """

    __tablename__ = "held_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class HealthProbe(Base):
    """Never holds a row: ``/healthz`` writes one here and rolls it back, to prove a write
    (``Database.write_problem``)."""

    __tablename__ = "health_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
