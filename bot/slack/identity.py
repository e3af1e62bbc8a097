"""Who is on which side, decided from what Slack really sends.

The whole playbook rests on "client side vs team side", so the rules live here, once,
and nothing else reads team ids to guess a side:

* **The bot's own workspace** is the installation the request was delivered to:
  ``authorizations[0]`` on Events API envelopes, else ``context_team_id``, else the
  view's ``app_installed_team_id``, else what ``auth.test`` said at start-up. Never the
  envelope's ``team_id`` or an interaction's ``team.id``: in a Slack Connect channel that
  is the *sender's* team. An org-wide install (``team_id: null``) is keyed by its
  Enterprise Grid organisation.
* **Team side**: a full member of the bot's workspace, or of any workspace of the same
  Enterprise Grid organisation (same ``enterprise_user.enterprise_id``, or the bot's
  workspace among ``enterprise_user.teams``), even when their home workspace differs.
* **Client side**: guests (``is_restricted``, ``is_ultra_restricted``), Slack Connect
  users (``is_stranger``, or a home team outside the organisation), and anyone Slack
  could not tell us about: an unknown person must never be able to claim a case and
  read what the team keeps confidential.

Pure: plain dicts in, plain values out, so every layout is tested without Slack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Installation:
    """Where the bot is installed: a workspace, or a whole Grid organisation."""

    team_id: str | None
    enterprise_id: str | None = None

    @property
    def key(self) -> str:
        """The id the bot's records are kept under (a workspace row's ``team_id``)."""
        return self.team_id or self.enterprise_id or ""

    def includes_team(self, team_id: object) -> bool:
        """True for the bot's workspace itself, or its organisation's id."""
        if not isinstance(team_id, str) or not team_id:
            return False
        return team_id in {self.team_id, self.enterprise_id}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def installation_from_auth(answer: Mapping[str, Any]) -> Installation:
    """The installation ``auth.test`` describes (an org-wide install has no team)."""
    enterprise = _text(answer.get("enterprise_id"))
    team = None if answer.get("is_enterprise_install") else _text(answer.get("team_id"))
    return Installation(team_id=team, enterprise_id=enterprise)


def home_of(body: Mapping[str, Any], installed: Installation) -> Installation:
    """The bot's own workspace for this request (see the module's rules)."""
    if installed.team_id is None and installed.enterprise_id:
        return installed  # org-wide: one set of records for the whole organisation
    authorizations = body.get("authorizations")
    if isinstance(authorizations, list) and authorizations:
        first = _object(authorizations[0])
        team = _text(first.get("team_id"))
        enterprise = _text(first.get("enterprise_id"))
        if team or enterprise:
            return Installation(team_id=team, enterprise_id=enterprise or installed.enterprise_id)
    context_team = _text(body.get("context_team_id"))
    if context_team:
        enterprise = _text(body.get("context_enterprise_id")) or installed.enterprise_id
        return Installation(team_id=context_team, enterprise_id=enterprise)
    view_team = _text(_object(body.get("view")).get("app_installed_team_id"))
    if view_team:
        return Installation(team_id=view_team, enterprise_id=installed.enterprise_id)
    if installed.key:
        return installed
    # auth.test could not be asked at start-up: the payload's own team is all there is.
    team = _text(body.get("team_id")) or _text(_object(body.get("team")).get("id"))
    return Installation(team_id=team, enterprise_id=_text(body.get("enterprise_id")))


def acting_user(body: Mapping[str, Any]) -> str | None:
    """Who acted: the user of an interaction, a slash command or an event."""
    event = _object(body.get("event"))
    user = body.get("user") or body.get("user_id") or event.get("user")
    if isinstance(user, Mapping):
        user = user.get("id")
    return _text(user)


@dataclass(frozen=True)
class Acting:
    """Who acted, for which of the bot's workspaces, and in which channel.

    Listeners take this from Bolt's context (``handlers.middleware`` puts it there) rather
    than digging ``body["user"]["id"]`` out of each payload shape themselves.
    """

    #: The Slack user who typed, pressed, submitted or wrote ("" for none: a bot event).
    user_id: str
    #: The bot's own workspace for this request (``home_of``), never the sender's team.
    home: Installation
    #: Where it happened: the command's, the interaction's or the event's channel.
    channel_id: str | None = None
    #: The Slack handle the payload carries, if any (for a provisional profile).
    user_name: str | None = None

    @property
    def team_id(self) -> str:
        """The id the bot's records for this workspace are kept under."""
        return self.home.key


def acting(body: Mapping[str, Any], installed: Installation) -> Acting:
    """Who acted in ``body`` (a slash command, an interaction or an event), where."""
    event = _object(body.get("event"))
    user = body.get("user")
    name = _object(user).get("name") or _object(user).get("username") or body.get("user_name")
    channel = (
        _text(body.get("channel_id"))
        or _text(_object(body.get("channel")).get("id"))
        or _text(event.get("channel"))
        or _text(_object(event.get("item")).get("channel"))
    )
    return Acting(
        user_id=acting_user(body) or "",
        home=home_of(body, installed),
        channel_id=channel,
        user_name=_text(name),
    )


def is_team_side(user: Mapping[str, Any] | None, home: Installation) -> bool:
    """True when a ``users.info`` user object is a full member of the bot's organisation.

    ``None`` (the lookup failed) is never team side.
    """
    if not user:
        return False
    if user.get("is_restricted") or user.get("is_ultra_restricted") or user.get("is_stranger"):
        return False
    grid = _object(user.get("enterprise_user"))
    organisation = _text(grid.get("enterprise_id")) or _text(user.get("enterprise_id"))
    if home.enterprise_id and organisation == home.enterprise_id:
        return True
    teams = grid.get("teams")
    if isinstance(teams, list) and home.team_id in teams:
        return True
    return home.includes_team(user.get("team_id"))


def display_name(user: Mapping[str, Any], fallback: str) -> str:
    """What to call someone: display name, else real name, else handle (Slack lets the
    display name be empty, and a deleted user may have neither)."""
    profile = _object(user.get("profile"))
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if (name := _text(candidate)) and name.strip():
            return name.strip()
    return fallback
