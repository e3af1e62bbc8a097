"""Read what the playbook needs from Slack: profiles, channel membership, permalinks.

These are the only Web API reads the listeners make; the results are turned into the
playbook's plain values here so that no listener digs through Slack's JSON.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.playbook.people import Profile
from bot.slack.identity import Installation, display_name, installation_from_auth, is_team_side


def profile_of(client: WebClient, user_id: str, home: Installation) -> Profile:
    """The user's profile, on the side ``bot.slack.identity`` decides against ``home``."""
    try:
        user: dict[str, Any] = client.users_info(user=user_id)["user"]
    except (SlackApiError, OSError):  # refused, or Slack too slow (a timeout)
        # Unknown means the least trusted side: a guest whose lookup failed must never be
        # stored as a team member who could claim a case and read confidential items.
        return Profile(user_id=user_id, display_name=user_id, external=True, confirmed=False)
    timezone = user.get("tz")
    return Profile(
        user_id=user_id,
        display_name=display_name(user, fallback=user_id),
        external=not is_team_side(user, home),
        timezone=timezone if isinstance(timezone, str) and timezone else None,
        is_bot=bool(user.get("is_bot")),
        names=_names_in(user),
    )


def confirmed_profile(client: WebClient, profile: Profile, home: Installation) -> Profile:
    """``profile`` as Slack tells it when it was only provisional
    (``bot.flows.people.known_or_provisional``); as it is otherwise."""
    return profile if profile.confirmed else profile_of(client, profile.user_id, home)


def _names_in(user: dict[str, Any]) -> tuple[str, ...]:
    """Every name a person goes by in Slack (handle, display, real and first name), to
    recognise them in what someone wrote."""
    profile = user.get("profile") or {}
    real = str(user.get("real_name") or profile.get("real_name") or "")
    found = (
        user.get("name"),
        real,
        real.split(" ")[0],
        profile.get("display_name"),
        profile.get("first_name"),
    )
    return tuple(dict.fromkeys(n.strip() for n in found if isinstance(n, str) and n.strip()))


@dataclass(frozen=True)
class ChannelAccess:
    """Whether the bot can work in a channel, and a sentence for the user if not."""

    ok: bool
    problem: str = ""
    #: The channel's real name (slash commands say "privategroup" for private channels).
    name: str = ""


def channel_access(client: WebClient, channel_id: str) -> ChannelAccess:
    """Check the bot is in the channel: without it, it can't see the grievance's thread."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") == "channel_not_found":
            return ChannelAccess(
                False,
                "I'm not in this channel, so I can't keep its "
                "grievances. Invite me with `/invite @grievance-bot`, then "
                "try again.",
            )
        raise
    if channel.get("is_archived"):
        return ChannelAccess(
            False, "This channel is archived; file the grievance in the client's active channel."
        )
    if not channel.get("is_member", False):
        return ChannelAccess(
            False,
            "I'm not in this channel yet, so I couldn't follow the "
            "discussion. Invite me with `/invite @grievance-bot`, then try "
            "again.",
        )
    return ChannelAccess(True, name=str(channel.get("name") or ""))


class ChannelAccessCache:
    """Recent "yes, the bot works there" answers, so that a busy case channel's commands
    do not wait on a ``conversations.info`` round trip before their 3-second
    acknowledgement.

    Only a yes is kept, and only for ``ttl`` seconds: a refusal is asked again every time,
    so inviting the bot takes effect at once, and a channel the bot left meanwhile is
    caught when the bot posts there (``bot.slack.faults`` tells whoever acted).
    """

    def __init__(self, ttl: float = 60.0, size: int = 10_000) -> None:
        self._known: TTLCache[str, ChannelAccess] = TTLCache(maxsize=size, ttl=ttl)
        self._lock = threading.Lock()

    def recent(self, channel_id: str) -> ChannelAccess | None:
        """The yes remembered for ``channel_id``, or None: ask after acknowledging then."""
        with self._lock:
            return self._known.get(channel_id)

    def check(self, client: WebClient, channel_id: str) -> ChannelAccess:
        """``channel_access`` for ``channel_id``, from memory when it said yes recently."""
        known = self.recent(channel_id)
        if known is not None:
            return known
        access = channel_access(client, channel_id)
        if access.ok:
            with self._lock:
                self._known[channel_id] = access
        return access


def is_direct_message(channel_id: str, channel_name: str | None = None) -> bool:
    """True for a DM or group DM with the bot, where there is no case to file on."""
    return channel_id.startswith("D") or channel_name in {"directmessage", "mpdm"}


def installation(client: WebClient) -> tuple[Installation, str | None]:
    """Where the bot is installed and the workspace's base URL (for permalinks), from
    ``auth.test``; unknown when Slack would not say (``bot.slack.identity`` then falls back)."""
    try:
        answer = client.auth_test()
    except SlackApiError:
        return Installation(team_id=None), None
    data = answer.data if isinstance(answer.data, dict) else {}
    return installation_from_auth(data), answer.get("url")
