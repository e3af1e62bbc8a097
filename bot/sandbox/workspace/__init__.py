"""In-memory state of one Slack workspace, shared by the emulated Web API and Slack's side.

Everything goes through one re-entrant lock: the API server answers on many threads while
the console or a test drives users on another.

Its parts: ``objects`` (the dataclasses it holds), ``state`` (lookups, ids, the activity
log), ``slack_json`` (objects as Slack's JSON), ``posting`` (messages, ephemerals,
response_urls, files), ``views`` (triggers, modals, Home), ``faults`` (injected failures
and the call log) and ``block_ids`` (ids Slack fills in).
"""

from __future__ import annotations

from bot.sandbox.workspace.block_ids import elements_of
from bot.sandbox.workspace.faults import FaultInjection
from bot.sandbox.workspace.objects import (
    JSON,
    Activity,
    ApiCall,
    Channel,
    Ephemeral,
    Message,
    ResponseTarget,
    SlackError,
    Team,
    UploadedFile,
    User,
    View,
)
from bot.sandbox.workspace.posting import Posting
from bot.sandbox.workspace.slack_json import SlackJson
from bot.sandbox.workspace.views import Views

__all__ = [
    "JSON",
    "Activity",
    "ApiCall",
    "Channel",
    "Ephemeral",
    "Message",
    "ResponseTarget",
    "SlackError",
    "Team",
    "UploadedFile",
    "User",
    "View",
    "Workspace",
    "elements_of",
]


class Workspace(SlackJson, Posting, Views, FaultInjection):
    """Users, channels, messages, views and files of one sandbox team, plus what the bot did."""

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
