"""Where the bot is installed and whom it has met: Slack workspaces and people.

Every case belongs to a workspace, and every person to the workspace they were met in.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.vocabulary import Side
from storage.clock import utcnow
from storage.models.base import Base, _str_enum

if TYPE_CHECKING:
    from storage.models.cases import Case


class Workspace(Base):
    """A Slack workspace (team) the bot is installed in."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    url: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cases: Mapped[list[Case]] = relationship(back_populates="workspace")


class Person(Base):
    """Someone the bot has met, with the side they speak for."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(120))
    side: Mapped[Side] = mapped_column(_str_enum(Side), default=Side.TEAM)
    role: Mapped[str | None] = mapped_column(String(40))
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: Every name Slack gave them when last asked (handle, display, real, first name), one
    #: per line: a confidential grievance is checked against a lead's names from here.
    slack_names: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
