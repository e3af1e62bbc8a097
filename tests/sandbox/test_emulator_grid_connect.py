"""The Slack emulator plays the layouts real clients use, Enterprise Grid and Slack
Connect: who is a colleague, a partner or a guest, shared channels' teams, and the teams
and organisation that events, interactions and installs name.

The API is driven with `slack_sdk.WebClient`; Slack's side is checked by a tiny stdlib HTTP
server standing in for the bot, which verifies every request with slack_sdk's
`SignatureVerifier` and records what it got.
"""

from __future__ import annotations

import json

from slack_sdk import WebClient

from bot.sandbox.slack_side import SlackSide
from bot.sandbox.workspace import Workspace
from tests.sandbox.emulator_helpers import FakeBot

# ---- the layouts real clients use: Enterprise Grid and Slack Connect -------------------


def test_users_info_plays_grid_colleagues_partners_and_guests(client: WebClient) -> None:
    erin = client.users_info(user="UERIN")["user"]
    assert erin["team_id"] == "T0DESIGN"
    assert erin["enterprise_user"]["enterprise_id"] == "E0SANDBOX"
    assert erin["enterprise_user"]["teams"] == ["T0DESIGN"]
    assert erin["profile"]["display_name"] == "" and "tz" not in erin
    carla = client.users_info(user="UCARLA")["user"]
    assert carla["enterprise_user"]["enterprise_id"] == "E0ACME"
    dev = client.users_info(user="UDEV")["user"]
    assert dev["is_restricted"] and dev["is_ultra_restricted"]


def test_a_shared_channel_names_its_connected_teams(client: WebClient) -> None:
    shared = client.conversations_info(channel="CACME")["channel"]
    assert shared["is_ext_shared"] and shared["conversation_host_id"] == "T0SANDBOX"
    assert shared["connected_team_ids"] == ["T0CLIENT", "T0SANDBOX"]
    internal = client.conversations_info(channel="CINTERNAL")["channel"]
    assert "connected_team_ids" not in internal


def test_auth_test_names_the_organisation(client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["team_id"] == "T0SANDBOX" and answer["enterprise_id"] == "E0SANDBOX"
    assert answer["is_enterprise_install"] is False


def test_a_shared_channel_event_names_the_senders_team_and_our_installation(
    slack: SlackSide, bot: FakeBot
) -> None:
    slack.post_message("UCARLA", "CACME", "hello from Acme")
    envelope = json.loads(bot.received[-1].body)
    assert envelope["team_id"] == "T0CLIENT" and envelope["enterprise_id"] == "E0ACME"
    assert envelope["authorizations"][0]["team_id"] == "T0SANDBOX"
    assert envelope["context_team_id"] == "T0SANDBOX" and envelope["is_ext_shared_channel"]
    event = envelope["event"]
    assert event["user_team"] == event["source_team"] == "T0CLIENT"
    assert event["user_profile"]["team"] == "T0CLIENT"


def test_an_interaction_names_the_actors_team_and_organisation(
    slack: SlackSide, bot: FakeBot, workspace: Workspace
) -> None:
    message = workspace.post_bot_message("CACME", "Pick one", [])
    slack.message_shortcut("UERIN", "CACME", message.ts, "file_as_grievance")
    payload = bot.received[-1].payload
    assert payload["team"]["id"] == "T0DESIGN"
    assert payload["user"]["team_id"] == "T0DESIGN"
    assert payload["enterprise"]["id"] == "E0SANDBOX"


def test_an_org_wide_install_sends_no_team_in_authorizations(
    slack: SlackSide, bot: FakeBot, workspace: Workspace
) -> None:
    workspace.org_install = True
    slack.post_message("UANA", "CACME", "hello")
    authorization = json.loads(bot.received[-1].body)["authorizations"][0]
    assert authorization["team_id"] is None and authorization["is_enterprise_install"] is True
