"""What a workspace holds and how it is looked up: the state every other part shares.

One re-entrant lock guards it all: the API server answers on many threads while the
console or a test drives users on another.  Ids and message timestamps are minted here,
and the activity log records, in order, everything the bot did that a user would see.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque

from bot.sandbox.workspace.objects import (
    Activity,
    ActivityKind,
    ApiCall,
    Channel,
    Delay,
    Ephemeral,
    Fault,
    Message,
    ResponseTarget,
    SlackError,
    Team,
    Trigger,
    UploadedFile,
    User,
    View,
)
from bot.surface import BOT_SCOPES
from storage.clock import utcnow


class WorkspaceState:
    """Users, channels, messages, views and files, the bot's activity, and their lookups."""

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
        self._delays: dict[str, deque[Delay]] = {}
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

    # ---- the activity log ------------------------------------------------------------

    def record(self, kind: ActivityKind, **refs: str | None) -> Activity:
        with self.lock:
            entry = Activity(len(self.activity) + 1, kind, **refs)
            self.activity.append(entry)
            return entry

    def activities_since(self, seq: int) -> list[Activity]:
        """What the bot did after activity `seq` (0 for everything)."""
        with self.lock:
            return self.activity[seq:]
