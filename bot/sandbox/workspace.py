"""In-memory state of one Slack workspace, shared by the emulated Web API and Slack's side.

Everything goes through one re-entrant lock: the API server answers on many threads while
the console or a test drives users on another.
"""

from __future__ import annotations

import copy
import itertools
import mimetypes
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sandbox.blockkit_limits import message_block_errors
from bot.surface import BOT_SCOPES
from storage.clock import utcnow

JSON = dict[str, Any]
TRIGGER_TTL = 3.0  # seconds, as on Slack
RESPONSE_URL_TTL = 30 * 60  # a response_url works for 30 minutes...
RESPONSE_URL_USES = 5  # ...and at most five times
MODAL_STACK_LIMIT = 3

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


class Workspace:
    """Users, channels, messages, views and files of one sandbox team, plus what the bot did."""

    def __init__(
        self,
        team_id: str = "T0SANDBOX",
        team_domain: str = "sandbox",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        bot_token: str = "xoxb-sandbox-token",
        team_name: str = "Sandbox",
        app_id: str = "A0SANDBOX",
        enterprise_id: str | None = None,
        org_install: bool = False,
    ) -> None:
        self.team_id = team_id
        #: The Enterprise Grid organisation the bot's workspace belongs to, if any.
        self.enterprise_id = enterprise_id
        #: Installed on the whole organisation: Slack then sends ``team_id: null`` in
        #: ``authorizations`` and ``is_enterprise_install: true``.
        self.org_install = org_install
        #: Other teams people come from: id → (name, domain, organisation).
        self.teams: dict[str, Team] = {
            team_id: Team(team_id, team_name, team_domain, enterprise_id)
        }
        self.team_domain = team_domain
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_token = bot_token
        #: Scopes reported in ``x-oauth-scopes``, as Slack does for the installed app.
        self.granted_scopes: tuple[str, ...] = BOT_SCOPES
        self.app_id = app_id
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.files: dict[str, UploadedFile] = {}
        self.activity: list[Activity] = []
        self.calls: list[ApiCall] = []
        self.triggers: dict[str, Trigger] = {}
        self.response_targets: dict[str, ResponseTarget] = {}
        self._faults: dict[str, deque[Fault]] = {}
        #: Slow answers, per method: [seconds, calls left] (``inject_delay``).
        self._delays: dict[str, list[float]] = {}
        #: Slack's pace, opt-in: seconds between two chat.postMessage to one channel.
        self.post_spacing: float | None = None
        self._last_post: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._last_micros = 0
        self.add_user(
            User(
                bot_user_id,
                "grievance-bot",
                "Grievance Bot",
                team_id,
                is_bot=True,
                enterprise_id=enterprise_id,
            )
        )

    @classmethod
    def demo(cls) -> Workspace:
        """A ready sandbox: a delivery team, an unhappy client's shared channel, a lobby.

        The layouts real clients use: the delivery team's workspace is one of two in an
        Enterprise Grid organisation (Erin works in the other one, with no time zone and
        an empty display name); Carla comes from a Slack Connect partner organisation;
        Dev is a guest.
        """
        ws = cls(enterprise_id="E0SANDBOX")
        ws.add_team(Team("T0DESIGN", "Sandbox Design", "sandbox-design", "E0SANDBOX"))
        ws.add_team(Team("T0CLIENT", "Acme Corp", "acme", "E0ACME"))
        grid = {"enterprise_id": "E0SANDBOX"}
        for user in (
            User("UANA", "ana", "Ana Lima", ws.team_id, **grid),
            User("UBEN", "ben", "Ben Okafor", ws.team_id, **grid),
            User("UCARLA", "carla", "Carla Reyes", "T0CLIENT", enterprise_id="E0ACME"),
            User(
                "UDEV",
                "dev",
                "Dev Patel",
                ws.team_id,
                is_restricted=True,
                is_ultra_restricted=True,
                **grid,
            ),
            User("UERIN", "erin", "Erin Walsh", "T0DESIGN", tz=None, display_name="", **grid),
        ):
            ws.add_user(user)
        everyone = {"UANA", "UBEN", "UCARLA", "UDEV", ws.bot_user_id}
        ws.add_channel(Channel("CACME", "acme-recovery", is_ext_shared=True, members=everyone))
        ws.add_channel(
            Channel(
                "CINTERNAL",
                "delivery-internal",
                is_private=True,
                members={"UANA", "UBEN", ws.bot_user_id},
            )
        )
        ws.add_channel(Channel("CLOBBY", "general", members={"UANA", "UBEN", "UERIN"}))
        return ws

    def add_team(self, team: Team) -> Team:
        """Another workspace people can come from (same organisation or a partner)."""
        with self.lock:
            self.teams[team.id] = team
            return team

    def team_of(self, user_id: str | None) -> Team:
        """The home team of ``user_id`` (the bot's own for someone unknown)."""
        user = self.users.get(user_id or "")
        team_id = user.team_id if user else self.team_id
        return self.teams.get(team_id) or Team(team_id, team_id, team_id.lower(), None)

    # ---- ids and lookups -------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """A fresh Slack-looking id such as `VSB0000007`."""
        return f"{prefix}SB{next(self._ids):07d}"

    def new_ts(self) -> str:
        """A unique, increasing message ts from the bot's clock, like `1700000000.000100`:
        after ``wait 2d`` in the sandbox, new messages are two days later too."""
        with self.lock:
            micros = max(int(utcnow().timestamp() * 1_000_000), self._last_micros + 1)
            self._last_micros = micros
            return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def add_user(self, user: User) -> User:
        with self.lock:
            self.users[user.id] = user
            return user

    def add_channel(self, channel: Channel) -> Channel:
        with self.lock:
            self.channels[channel.id] = channel
            return channel

    def get_user(self, user_id: str) -> User:
        """The user, or `user_not_found`."""
        user = self.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        return user

    def get_channel(self, channel_id: str) -> Channel:
        """The channel by id (or by name, as chat.postMessage allows), or `channel_not_found`."""
        with self.lock:
            channel = self.channels.get(channel_id)
            if channel is None:
                name = channel_id.removeprefix("#")
                channel = next((c for c in self.channels.values() if c.name == name), None)
            if channel is None:
                raise SlackError("channel_not_found")
            return channel

    def channel_as_seen_by(
        self, user_id: str, channel_id: str, *, to_post: bool = False
    ) -> Channel:
        """The channel as a person may use it, refused with the code Slack gives them.

        A private channel or DM someone is not in does not exist for them
        (`channel_not_found`); a public one they can open and read, but writing in it
        (a message, a reply, a slash command) needs membership (`not_in_channel`).
        """
        with self.lock:
            self.get_user(user_id)
            channel = self.get_channel(channel_id)
            member = user_id in channel.members
            if not member and (channel.is_private or channel.is_im):
                raise SlackError("channel_not_found")
            if to_post and not member:
                raise SlackError("not_in_channel")
            return channel

    def dm_channel_for(self, user_id: str) -> Channel:
        """The DM between the bot and `user_id`, opened on first use as Slack does."""
        with self.lock:
            channel_id = f"D{user_id[1:]}"
            if channel_id not in self.channels:
                self.add_channel(
                    Channel(
                        channel_id,
                        user_id,
                        is_private=True,
                        is_im=True,
                        members={user_id, self.bot_user_id},
                    )
                )
            return self.channels[channel_id]

    def find_message(self, channel: str, ts: str) -> Message | None:
        with self.lock:
            return next((m for m in self.messages if m.channel == channel and m.ts == ts), None)

    def get_message(self, channel: str, ts: str) -> Message:
        """The message, or `message_not_found`."""
        message = self.find_message(channel, ts)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def find_ephemeral(self, ts: str) -> Ephemeral | None:
        with self.lock:
            return next((e for e in self.ephemerals if e.ts == ts), None)

    def thread(self, channel: str, ts: str) -> list[Message]:
        """The parent then its replies, oldest first ([] when there is no such message)."""
        with self.lock:
            parent = self.find_message(channel, ts)
            if parent is None:
                return []
            replies = [
                m
                for m in self.messages
                if m.channel == channel and m.is_reply and m.thread_ts == ts
            ]
            return [parent, *replies]

    def permalink(self, channel: str, ts: str) -> str:
        """Slack's permalink form; a reply's link names its thread."""
        link = f"https://{self.team_domain}.slack.local/archives/{channel}/p{ts.replace('.', '')}"
        message = self.find_message(channel, ts)
        if message is not None and message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel}"
        return link

    # ---- JSON as Slack shows it ------------------------------------------------------

    def message_json(self, message: Message) -> JSON:
        """A message object as conversations.replies, events and payloads show it."""
        with self.lock:
            out: JSON = {"type": "message", "ts": message.ts, "text": message.text}
            if message.subtype:
                out["subtype"] = message.subtype
            if message.user:
                out["user"] = message.user
                out["team"] = self.team_of(message.user).id
                channel = self.channels.get(message.channel)
                author = self.users.get(message.user)
                if channel is not None and channel.is_ext_shared and author is not None:
                    # Slack Connect: who wrote it, and from which organisation's team
                    out["user_team"] = out["source_team"] = author.team_id
                    out["user_profile"] = author.profile_summary()
            if message.bot_id:
                out["bot_id"] = message.bot_id
                out["app_id"] = self.app_id
            if message.blocks:
                out["blocks"] = copy.deepcopy(message.blocks)
            if message.thread_ts:
                out["thread_ts"] = message.thread_ts
            if message.is_reply:
                parent = self.find_message(message.channel, message.thread_ts or "")
                out["parent_user_id"] = parent.user if parent else None
            replies = self.thread(message.channel, message.ts)[1:] if not message.is_reply else []
            if replies:
                out["reply_count"] = len(replies)
                out["reply_users"] = sorted({r.user for r in replies if r.user})
                out["reply_users_count"] = len(out["reply_users"])
                out["latest_reply"] = replies[-1].ts
            if message.edited:
                out["edited"] = {"user": message.user, "ts": message.ts}
            if message.reactions:
                out["reactions"] = [
                    {"name": name, "users": list(users), "count": len(users)}
                    for name, users in message.reactions.items()
                ]
            if message.files:
                out["files"] = copy.deepcopy(message.files)
                out["upload"] = False
            if message.metadata:
                out["metadata"] = copy.deepcopy(message.metadata)
            return out

    def channel_json(self, channel: Channel) -> JSON:
        """A conversation object as conversations.info answers it."""
        with self.lock:
            out: JSON = {
                "id": channel.id,
                "created": 1700000000,
                "is_archived": channel.is_archived,
                "is_im": channel.is_im,
                "is_mpim": False,
                "is_org_shared": False,
                "context_team_id": self.team_id,
                "num_members": len(channel.members),
            }
            if channel.is_ext_shared:
                teams = sorted({self.team_id} | {self.team_of(m).id for m in channel.members})
                out |= {
                    "conversation_host_id": self.team_id,
                    "connected_team_ids": teams,
                    "shared_team_ids": teams,
                    "internal_team_ids": [],
                }
            if channel.is_im:
                out["user"] = next(m for m in channel.members if m != self.bot_user_id)
                out["is_user_deleted"] = self.users[out["user"]].deleted
                return out
            return out | {
                "name": channel.name,
                "name_normalized": channel.name,
                "is_channel": not channel.is_private,
                "is_group": channel.is_private,
                "is_private": channel.is_private,
                "is_general": channel.name == "general",
                "is_shared": channel.is_ext_shared,
                "is_ext_shared": channel.is_ext_shared,
                "is_pending_ext_shared": False,
                "is_member": self.bot_user_id in channel.members,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            }

    def view_json(self, view: View, state: JSON | None = None) -> JSON:
        """A view object as views.* answer it and payloads carry it."""
        payload = view.payload
        return {
            "id": view.id,
            "team_id": self.team_id,
            "type": view.type,
            "blocks": copy.deepcopy(payload.get("blocks", [])),
            "private_metadata": payload.get("private_metadata", ""),
            "callback_id": payload.get("callback_id", ""),
            "state": {"values": state or {}},
            "hash": view.hash,
            "title": payload.get("title"),
            "clear_on_close": bool(payload.get("clear_on_close", False)),
            "notify_on_close": bool(payload.get("notify_on_close", False)),
            "close": payload.get("close"),
            "submit": payload.get("submit"),
            "previous_view_id": view.previous_view_id,
            "root_view_id": view.root_view_id,
            "app_id": self.app_id,
            "external_id": payload.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    # ---- what users do ----------------------------------------------------------------

    def post_user_message(
        self, user: str, channel: str, text: str, thread_ts: str | None = None
    ) -> Message:
        """Store a message a person wrote (no event: SlackSide delivers that)."""
        with self.lock:
            self.get_user(user)
            self.get_channel(channel)
            message = Message(channel, self.new_ts(), text, user=user, thread_ts=thread_ts)
            self.messages.append(message)
            return message

    # ---- what the bot does (each recorded in the activity log) -----------------------

    def record(self, kind: ActivityKind, **refs: str | None) -> Activity:
        with self.lock:
            entry = Activity(len(self.activity) + 1, kind, **refs)
            self.activity.append(entry)
            return entry

    def activities_since(self, seq: int) -> list[Activity]:
        """What the bot did after activity `seq` (0 for everything)."""
        with self.lock:
            return self.activity[seq:]

    def post_bot_message(
        self,
        channel: str,
        text: str,
        blocks: list[JSON],
        *,
        thread_ts: str | None = None,
        user: str | None = None,
        files: list[JSON] | None = None,
        metadata: JSON | None = None,
        broadcast: bool = False,
    ) -> Message:
        """Post as the app (as `user` for a slash command's in_channel answer)."""
        with self.lock:
            message = Message(
                channel,
                self.new_ts(),
                text,
                with_ids(blocks),
                user=user or self.bot_user_id,
                bot_id=self.bot_id,
                thread_ts=thread_ts,
                files=files or [],
                metadata=metadata,
                subtype="thread_broadcast" if broadcast and thread_ts else None,
            )
            self.messages.append(message)
            self.record(
                "file" if files else "message",
                channel=channel,
                ts=message.ts,
                file_id=files[0]["id"] if files else None,
            )
            return message

    def update_message(self, message: Message, text: str | None, blocks: list[JSON] | None) -> None:
        """Replace text and/or blocks; what is not given is kept, as chat.update does."""
        with self.lock:
            if text is not None:
                message.text = text
            if blocks is not None:
                message.blocks = with_ids(blocks)
            message.edited = True
            self.record("update", channel=message.channel, ts=message.ts)

    def post_ephemeral(
        self, channel: str, user: str, text: str, blocks: list[JSON], thread_ts: str | None = None
    ) -> Ephemeral:
        with self.lock:
            ephemeral = Ephemeral(channel, user, text, with_ids(blocks), self.new_ts(), thread_ts)
            self.ephemerals.append(ephemeral)
            self.record("ephemeral", channel=channel, ts=ephemeral.ts, user=user)
            return ephemeral

    def issue_response_url(
        self,
        channel: str,
        user: str,
        source: tuple[Literal["message", "ephemeral"], str] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Register a response_url target; the id goes after `{root_url}response/`."""
        with self.lock:
            key = secrets.token_hex(12)
            self.response_targets[key] = ResponseTarget(
                channel, user, source, thread_ts, time.monotonic() + RESPONSE_URL_TTL
            )
            return key

    def use_response_url(self, key: str) -> ResponseTarget:
        """The target of one response_url POST, or `expired_url` (unknown, too old, 5 uses)."""
        with self.lock:
            target = self.response_targets.get(key)
            if (
                target is None
                or target.expires_at < time.monotonic()
                or target.uses >= RESPONSE_URL_USES
            ):
                raise SlackError("expired_url")
            target.uses += 1
            return target

    def respond(self, target: ResponseTarget, payload: JSON) -> None:
        """Apply a response_url POST or a slash command's ack body, as Slack does."""
        with self.lock:
            if payload.get("delete_original"):
                self._delete_source(target)
                return
            text, blocks = str(payload.get("text") or ""), payload.get("blocks") or []
            if not text and not blocks:
                raise SlackError("no_text")
            if errors := message_block_errors(blocks):
                raise SlackError("invalid_blocks", errors=errors)
            if payload.get("replace_original") and target.source:
                self._replace_source(target, text, blocks)
            elif payload.get("response_type") == "in_channel":
                self.post_bot_message(
                    target.channel,
                    text,
                    blocks,
                    user=target.user,
                    thread_ts=payload.get("thread_ts") or target.thread_ts,
                )
            else:
                self.post_ephemeral(
                    target.channel,
                    target.user,
                    text,
                    blocks,
                    payload.get("thread_ts") or target.thread_ts,
                )

    def _replace_source(self, target: ResponseTarget, text: str, blocks: list[JSON]) -> None:
        kind, ts = target.source or ("message", "")
        if kind == "message":
            self.update_message(self.get_message(target.channel, ts), text, blocks)
            return
        ephemeral = self.find_ephemeral(ts)
        if ephemeral is None:
            raise SlackError("message_not_found")
        ephemeral.text, ephemeral.blocks = text, with_ids(blocks)
        self.record("ephemeral", channel=ephemeral.channel, ts=ts, user=ephemeral.user)

    def _delete_source(self, target: ResponseTarget) -> None:
        kind, ts = target.source or ("message", "")
        if kind == "message":
            self.messages.remove(self.get_message(target.channel, ts))
        else:
            self.ephemerals = [e for e in self.ephemerals if e.ts != ts]
        self.record("delete", channel=target.channel, ts=ts, user=target.user)

    # ---- views -----------------------------------------------------------------------

    def issue_trigger(self, user: str) -> str:
        """A trigger_id like Slack's, usable once within three seconds, bound to `user`."""
        with self.lock:
            trigger_id = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(16)}"
            self.triggers[trigger_id] = Trigger(user, time.monotonic() + TRIGGER_TTL)
            return trigger_id

    def exchange_trigger(self, trigger_id: str) -> str:
        """The user a trigger belongs to; `invalid_`, `exchanged_` or `expired_trigger_id`."""
        with self.lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            if trigger.expires_at < time.monotonic():
                raise SlackError("expired_trigger_id")
            trigger.used = True
            return trigger.user

    def find_view(self, view_id: str | None = None, external_id: str | None = None) -> View:
        """An open view by id or external_id, or `not_found`."""
        with self.lock:
            for view in self.views.values():
                if view.id == view_id or (
                    external_id and view.payload.get("external_id") == external_id
                ):
                    return view
            raise SlackError("not_found")

    def modal_stack(self, user: str) -> list[View]:
        """The user's open modals, root first."""
        with self.lock:
            return [self.views[v] for v in self.modal_stacks.get(user, [])]

    def open_modal(self, user: str, payload: JSON) -> View:
        """A new root modal; whatever the user had open is replaced."""
        with self.lock:
            for old in self.modal_stacks.pop(user, []):
                self.views.pop(old, None)
            view = self._new_view("modal", user, payload, None)
            self.modal_stacks[user] = [view.id]
            self.record("modal_open", user=user, view_id=view.id)
            return view

    def push_modal(self, user: str, payload: JSON) -> View:
        """A modal on top of the user's stack (at most three), or a new root."""
        with self.lock:
            stack = self.modal_stacks.get(user)
            if not stack:
                return self.open_modal(user, payload)
            if len(stack) >= MODAL_STACK_LIMIT:
                raise SlackError("push_limit_reached")
            view = self._new_view("modal", user, payload, self.views[stack[-1]])
            stack.append(view.id)
            self.record("modal_push", user=user, view_id=view.id)
            return view

    def update_view(self, view: View, payload: JSON) -> View:
        """Replace a view's content; a new hash, and field errors are gone."""
        with self.lock:
            view.payload = with_view_ids(payload)
            view.hash = _view_hash()
            view.errors = {}
            kind: ActivityKind = "home" if view.type == "home" else "modal_update"
            self.record(kind, user=view.user, view_id=view.id)
            return view

    def set_view_errors(self, view: View, errors: dict[str, str]) -> None:
        """Field errors from `response_action: errors`; the modal stays open."""
        with self.lock:
            view.errors = dict(errors)
            self.record("modal_update", user=view.user, view_id=view.id)

    def close_modal(self, user: str, view_id: str, *, by_bot: bool = True) -> None:
        """Close a modal and any pushed above it; the bot's closes are activity."""
        with self.lock:
            stack = self.modal_stacks.get(user, [])
            if view_id not in stack:
                return
            for closed in stack[stack.index(view_id) :]:
                self.views.pop(closed, None)
            del stack[stack.index(view_id) :]
            if not stack:
                self.modal_stacks.pop(user, None)
            if by_bot:
                self.record("modal_close", user=user, view_id=view_id)

    def publish_home(self, user: str, payload: JSON) -> View:
        """Set the user's Home tab; the Home view keeps its id across publishes."""
        with self.lock:
            if user in self.home_views:
                return self.update_view(self.views[self.home_views[user]], payload)
            view = self._new_view("home", user, payload, None)
            self.home_views[user] = view.id
            self.record("home", user=user, view_id=view.id)
            return view

    def _new_view(
        self, kind: Literal["modal", "home"], user: str, payload: JSON, below: View | None
    ) -> View:
        view_id = self.new_id("V")
        view = View(
            view_id,
            kind,
            user,
            with_view_ids(payload),
            _view_hash(),
            root_view_id=below.root_view_id if below else view_id,
            previous_view_id=below.id if below else None,
        )
        self.views[view_id] = view
        return view

    # ---- files -----------------------------------------------------------------------

    def new_upload(self, filename: str, length: int) -> UploadedFile:
        with self.lock:
            upload = UploadedFile(
                self.new_id("F"), filename, length, self.bot_user_id, int(time.time())
            )
            self.files[upload.id] = upload
            return upload

    def store_upload(self, file_id: str, data: bytes) -> bool:
        """Keep the bytes POSTed to an upload URL (False for an unknown file)."""
        with self.lock:
            upload = self.files.get(file_id)
            if upload is None:
                return False
            upload.content = data
            return True

    # ---- fault injection and the call log --------------------------------------------

    def inject(self, method: str, error: str, times: int = 1) -> None:
        """The next `times` calls of `method` answer `{"ok": false, "error": error}`."""
        self._add_fault(method, Fault(error, times=times))

    def inject_rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with `Retry-After`."""
        self._add_fault(method, Fault("ratelimited", 429, retry_after, times))

    def inject_http_error(self, method: str, status: int = 503, times: int = 1) -> None:
        """The next `times` calls of `method` answer a bare HTTP error."""
        self._add_fault(method, Fault("fatal_error", status, times=times))

    def inject_delay(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` take effect at once but are answered only
        after `seconds`: a slow Slack, not a failing one."""
        with self.lock:
            self._delays[method] = [seconds, times]

    def take_delay(self, method: str) -> float:
        """How long this call of `method` waits before its answer (0: none injected)."""
        with self.lock:
            delay = self._delays.get(method)
            if delay is None:
                return 0.0
            delay[1] -= 1
            if delay[1] <= 0:
                del self._delays[method]
            return delay[0]

    def _add_fault(self, method: str, fault: Fault) -> None:
        with self.lock:
            self._faults.setdefault(method, deque()).append(fault)

    def take_fault(self, method: str) -> Fault | None:
        """The failure this call of `method` must answer, if one is injected."""
        with self.lock:
            queue = self._faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.popleft()
            return fault

    def pace_post(self, channel: str) -> int | None:
        """With ``post_spacing`` set, a post too soon after the last one to ``channel``
        gets the ``Retry-After`` seconds of Slack's 429; None lets it through (and counts)."""
        if self.post_spacing is None:
            return None
        with self.lock:
            now = time.monotonic()
            last = self._last_post.get(channel)
            if last is not None and now - last < self.post_spacing:
                return max(1, round(last + self.post_spacing - now))
            self._last_post[channel] = now
            return None

    def calls_to(self, method: str) -> list[ApiCall]:
        with self.lock:
            return [c for c in self.calls if c.method == method]


def _view_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


def elements_of(blocks: list[JSON]) -> Iterator[tuple[JSON, JSON]]:
    """(block, element) for every interactive element: accessories, actions, inputs."""
    for block in blocks:
        candidates = [block.get("accessory"), block.get("element")]
        if block.get("type") == "actions":
            candidates += block.get("elements", [])
        for element in candidates:
            if isinstance(element, dict) and element.get("type") != "image":
                yield block, element


def with_ids(blocks: list[JSON]) -> list[JSON]:
    """A copy where every block and element has an id: Slack fills in any left out."""
    filled = copy.deepcopy(blocks)
    for block in filled:
        block.setdefault("block_id", secrets.token_urlsafe(4))
    for _block, element in elements_of(filled):
        element.setdefault("action_id", secrets.token_urlsafe(4))
    return filled


def with_view_ids(payload: JSON) -> JSON:
    """A copy of a view payload whose blocks all have ids."""
    return {**copy.deepcopy(payload), "blocks": with_ids(payload.get("blocks", []))}
