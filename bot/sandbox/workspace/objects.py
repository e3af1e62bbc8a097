"""The things a sandbox workspace holds, as plain dataclasses, and Slack's error.

Teams, people, channels, messages, ephemerals, views and files, plus the bookkeeping the
emulator keeps about the bot (its activity, its API calls, injected faults and delays,
trigger ids and response_urls).  Most of the JSON Slack shows for them is built by the
workspace (``slack_json``), which knows how they relate.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

JSON = dict[str, Any]

ActivityKind = Literal[
    "message",
    "update",
    "delete",
    "ephemeral",
    "modal_open",
    "modal_update",
    "modal_push",
    "modal_close",
    "home",
    "file",
]


class SlackError(Exception):
    """A Slack error code, answered as `{"ok": false, "error": code, **extra}`."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


@dataclass(frozen=True)
class Team:
    """A Slack workspace: the bot's own, another of its organisation, or a partner's."""

    id: str
    name: str
    domain: str
    #: Its Enterprise Grid organisation; None for a workspace on its own.
    enterprise_id: str | None

    def to_dict(self) -> JSON:
        """The ``team`` object interaction payloads carry."""
        return {"id": self.id, "domain": self.domain}


@dataclass
class User:
    """Someone the emulator knows: a member of the bot's workspace, a colleague from
    another workspace of the same Enterprise Grid organisation, a guest, or a Slack
    Connect user from a partner organisation (another ``team_id`` and ``enterprise_id``).
    """

    id: str
    name: str
    real_name: str
    team_id: str
    is_bot: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    deleted: bool = False
    #: None: the user never set one (Slack then leaves out tz, tz_label and tz_offset).
    tz: str | None = "Europe/London"
    tz_offset: int = 0
    is_admin: bool = False
    #: The Grid organisation the user belongs to (Slack's ``enterprise_user``), if any.
    enterprise_id: str | None = None
    #: Every workspace of the organisation the user is a member of (defaults to theirs).
    grid_teams: tuple[str, ...] = ()
    #: Someone from another organisation who shares no channel with the viewer.
    is_stranger: bool = False
    #: Slack lets people leave their display name empty; None means "same as ``name``".
    display_name: str | None = None

    @property
    def shown_name(self) -> str:
        """The display name Slack would send (may be empty)."""
        return self.name if self.display_name is None else self.display_name

    def to_dict(self) -> JSON:
        """The object `users.info` answers (shape: Slack's users.info sample, with the
        ``enterprise_user`` block Enterprise Grid adds)."""
        out: JSON = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "profile": {
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.shown_name,
                "display_name_normalized": self.shown_name,
                "image_48": f"https://avatars.slack.local/{self.id}_48.png",
                "team": self.team_id,
            },
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }
        if self.tz is not None:
            out |= {"tz": self.tz, "tz_label": _tz_label(self.tz), "tz_offset": self.tz_offset}
        if self.is_stranger:
            out["is_stranger"] = True
        if self.enterprise_id:
            out["enterprise_user"] = {
                "id": self.id,
                "enterprise_id": self.enterprise_id,
                "enterprise_name": self.enterprise_id,
                "is_admin": self.is_admin,
                "is_owner": False,
                "is_primary_owner": False,
                "teams": list(self.grid_teams or (self.team_id,)),
            }
        return out

    def profile_summary(self) -> JSON:
        """The ``user_profile`` a message event carries in a Slack Connect channel."""
        return {
            "avatar_hash": "g0sandbox",
            "image_72": f"https://avatars.slack.local/{self.id}_72.png",
            "first_name": self.real_name.split(" ")[0],
            "real_name": self.real_name,
            "display_name": self.shown_name,
            "team": self.team_id,
            "name": self.name,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
        }


def _tz_label(tz: str) -> str:
    try:
        return datetime.now(ZoneInfo(tz)).tzname() or tz
    except ZoneInfoNotFoundError:
        return tz


@dataclass
class Channel:
    """A channel, private channel or DM (`is_im`)."""

    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    is_ext_shared: bool = False
    members: set[str] = field(default_factory=set)
    is_im: bool = False

    @property
    def channel_type(self) -> str:
        """The `channel_type` of message events: channel, group or im."""
        if self.is_im:
            return "im"
        return "group" if self.is_private else "channel"


@dataclass
class Message:
    """A message in a channel; a thread reply has `thread_ts` set to its parent's ts."""

    channel: str
    ts: str
    text: str
    blocks: list[JSON] = field(default_factory=list)
    user: str | None = None
    bot_id: str | None = None
    thread_ts: str | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    edited: bool = False
    files: list[JSON] = field(default_factory=list)
    metadata: JSON | None = None
    subtype: str | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class Ephemeral:
    """A message only `user` sees; it is never stored in the channel's history."""

    channel: str
    user: str
    text: str
    blocks: list[JSON]
    ts: str
    thread_ts: str | None = None


@dataclass
class View:
    """A modal or Home tab; `payload` is the view as the bot posted it."""

    id: str
    type: Literal["modal", "home"]
    user: str
    payload: JSON
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class UploadedFile:
    """A file from `files.getUploadURLExternal`; its bytes arrive by a separate POST."""

    id: str
    name: str
    length: int
    user: str
    created: int
    title: str = ""
    content: bytes = b""

    def to_dict(self, team_domain: str) -> JSON:
        """The file object of `files.completeUploadExternal` and of messages."""
        mimetype = mimetypes.guess_type(self.name)[0] or "application/octet-stream"
        base = f"https://files.{team_domain}.slack.local/files-pri/{self.user}-{self.id}"
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": mimetype,
            "filetype": self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary",
            "user": self.user,
            "size": len(self.content),
            "url_private": f"{base}/{self.name}",
            "permalink": f"https://{team_domain}.slack.local/files/{self.user}/{self.id}/{self.name}",
        }


@dataclass
class Activity:
    """One thing the bot did that a user would see, in order (`seq` starts at 1)."""

    seq: int
    kind: ActivityKind
    channel: str | None = None
    ts: str | None = None
    user: str | None = None
    view_id: str | None = None
    file_id: str | None = None


@dataclass
class ApiCall:
    """One Web API call as the emulator answered it."""

    method: str
    params: JSON
    ok: bool
    error: str | None = None


@dataclass
class Fault:
    """An injected failure for the next `times` calls of one method."""

    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1


@dataclass
class Delay:
    """An injected slow answer for the next `times` calls of one method."""

    seconds: float
    times: int = 1


@dataclass
class Trigger:
    """A trigger_id: single use, three seconds, bound to the user who interacted."""

    user: str
    expires_at: float
    used: bool = False


@dataclass
class ResponseTarget:
    """Where a response_url (or a slash command's ack) lands, and what it may replace."""

    channel: str
    user: str
    source: tuple[Literal["message", "ephemeral"], str] | None = None
    thread_ts: str | None = None
    expires_at: float = 0.0
    uses: int = 0
