"""Sides and the bot's own workspace, decided from payloads shaped like Slack's own samples.

Each recorded payload below names the published sample its shape was taken from; ids are
our own. A wrong answer here puts a person on the wrong side of the relationship.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.identity import (
    Installation,
    display_name,
    home_of,
    installation_from_auth,
    is_team_side,
)

INSTALLED = Installation(team_id="T_INSTALLED", enterprise_id="E_INSTALLED")

# Shape: bolt-python tests/scenario_tests/test_events_shared_channels.py, an event from a
# shared channel: the envelope's team_id/enterprise_id are the *sender's*, and only
# `authorizations` names the installation the event was delivered to.
SHARED_CHANNEL_EVENT: dict[str, Any] = {
    "token": "verification_token",
    "team_id": "T_SOURCE",
    "enterprise_id": "E_SOURCE",
    "api_app_id": "A111",
    "event": {
        "type": "message",
        "text": "Still broken on our side",
        "user": "W_EXTERNAL",
        "ts": "1610261659.001400",
        "team": "T_SOURCE",
        "user_team": "T_SOURCE",
        "source_team": "T_SOURCE",
        "channel": "C111",
        "event_ts": "1610261659.001400",
        "channel_type": "channel",
    },
    "type": "event_callback",
    "event_id": "Ev111",
    "event_time": 1610261659,
    "authorizations": [
        {
            "enterprise_id": "E_INSTALLED",
            "team_id": "T_INSTALLED",
            "user_id": "W111",
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ],
    "is_ext_shared_channel": True,
    "event_context": "1-message-T111-C111",
}

# Shape: Slack's "organization-wide apps" reference (api.slack.com/enterprise/apps/reference):
# an org-wide installation has `team_id: null` and `is_enterprise_install: true`.
ORG_WIDE_EVENT: dict[str, Any] = {
    "team_id": "T_WORKSPACE",
    "api_app_id": "A111",
    "event": {"type": "reaction_added", "user": "W1", "reaction": "+1"},
    "type": "event_callback",
    "authorizations": [
        {
            "enterprise_id": "E_ORG",
            "team_id": None,
            "user_id": "W_BOT",
            "is_bot": True,
            "is_enterprise_install": True,
        }
    ],
}

# Shape: a view_submission from a Slack Connect channel; bolt-python's extract_team_id
# documents `view.app_installed_team_id` as the installing team when `team` is the sender's.
CONNECT_VIEW_SUBMISSION: dict[str, Any] = {
    "type": "view_submission",
    "team": {"id": "T_SOURCE", "domain": "partner"},
    "user": {"id": "W_EXTERNAL", "team_id": "T_SOURCE"},
    "view": {"id": "V1", "team_id": "T_SOURCE", "app_installed_team_id": "T_INSTALLED"},
}

# Shape: a slash command payload (api.slack.com/interactivity/slash-commands sample) typed
# by a colleague from another workspace of the same Grid organisation.
GRID_SLASH_COMMAND: dict[str, Any] = {
    "team_id": "T_OTHER_WORKSPACE",
    "team_domain": "design",
    "enterprise_id": "E_INSTALLED",
    "channel_id": "C111",
    "user_id": "W_COLLEAGUE",
    "command": "/grievance",
}


def _user(**fields: Any) -> dict[str, Any]:
    """A users.info `user` (shape: Slack's users.info sample; Grid adds enterprise_user)."""
    return {
        "id": "W1",
        "team_id": "T_INSTALLED",
        "name": "ana",
        "deleted": False,
        "real_name": "Ana Lima",
        "profile": {"display_name": "ana", "real_name": "Ana Lima", "team": "T_INSTALLED"},
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": False,
    } | fields


def _grid(enterprise: str, *teams: str) -> dict[str, Any]:
    return {"id": "W1", "enterprise_id": enterprise, "enterprise_name": "Org", "teams": [*teams]}


# ---- the bot's own workspace ------------------------------------------------------------


def test_a_shared_channel_event_belongs_to_the_installation_not_the_sender() -> None:
    home = home_of(SHARED_CHANNEL_EVENT, Installation(team_id=None))
    assert home.key == "T_INSTALLED"
    assert home.enterprise_id == "E_INSTALLED"


def test_context_team_id_names_the_installation_when_there_are_no_authorizations() -> None:
    body = {"team_id": "T_SOURCE", "context_team_id": "T_INSTALLED", "event": {}}
    assert home_of(body, Installation(team_id=None)).key == "T_INSTALLED"


def test_an_org_wide_install_keeps_one_set_of_records_for_the_organisation() -> None:
    assert home_of(ORG_WIDE_EVENT, Installation(team_id=None)).key == "E_ORG"
    installed = installation_from_auth(
        {"team_id": "E_ORG", "enterprise_id": "E_ORG", "is_enterprise_install": True}
    )
    assert installed == Installation(team_id=None, enterprise_id="E_ORG")
    # whatever workspace of the organisation a form comes from, it is the same records
    assert home_of(CONNECT_VIEW_SUBMISSION, installed).key == "E_ORG"


def test_a_form_from_a_connect_channel_belongs_to_the_installing_team() -> None:
    assert home_of(CONNECT_VIEW_SUBMISSION, INSTALLED).key == "T_INSTALLED"


def test_a_slash_command_from_another_workspace_belongs_to_the_installation() -> None:
    assert home_of(GRID_SLASH_COMMAND, INSTALLED).key == "T_INSTALLED"


def test_without_auth_test_the_payloads_own_team_is_the_last_resort() -> None:
    assert home_of({"team_id": "T_ONLY"}, Installation(team_id=None)).key == "T_ONLY"


# ---- sides ------------------------------------------------------------------------------

TEAM_SIDE = [
    pytest.param(_user(), id="member of the bot's workspace"),
    pytest.param(
        _user(team_id="T_OTHER", enterprise_user=_grid("E_INSTALLED", "T_OTHER")),
        id="Grid colleague from another workspace",
    ),
    pytest.param(
        _user(team_id="T_OTHER", enterprise_user=_grid("E_ELSEWHERE", "T_OTHER", "T_INSTALLED")),
        id="member of the bot's workspace among their Grid teams",
    ),
]
CLIENT_SIDE = [
    pytest.param(None, id="lookup failed"),
    pytest.param({}, id="empty answer"),
    pytest.param(_user(is_restricted=True), id="multi-channel guest"),
    pytest.param(_user(is_ultra_restricted=True), id="single-channel guest"),
    pytest.param(
        _user(is_restricted=True, enterprise_user=_grid("E_INSTALLED", "T_INSTALLED")),
        id="guest in our own organisation",
    ),
    pytest.param(_user(team_id="T_PARTNER"), id="Slack Connect user"),
    pytest.param(
        _user(team_id="T_PARTNER", enterprise_user=_grid("E_PARTNER", "T_PARTNER")),
        id="Slack Connect user from a partner Grid",
    ),
    pytest.param(_user(is_stranger=True), id="stranger"),
]


@pytest.mark.parametrize("user", TEAM_SIDE)
def test_team_side(user: dict[str, Any]) -> None:
    assert is_team_side(user, INSTALLED)


@pytest.mark.parametrize("user", CLIENT_SIDE)
def test_client_side(user: dict[str, Any] | None) -> None:
    assert not is_team_side(user, INSTALLED)


def test_an_org_wide_install_counts_everyone_in_the_organisation_as_team() -> None:
    org = Installation(team_id=None, enterprise_id="E_ORG")
    colleague = _user(team_id="T_ANY", enterprise_user=_grid("E_ORG", "T_ANY"))
    assert is_team_side(colleague, org)
    assert not is_team_side(_user(team_id="T_ANY"), org)


# ---- names ------------------------------------------------------------------------------


def test_an_empty_display_name_falls_back_to_the_real_name() -> None:
    user = _user(profile={"display_name": "", "real_name": "Erin Walsh"})
    assert display_name(user, fallback="W1") == "Erin Walsh"


def test_a_deleted_user_with_no_names_is_shown_by_id() -> None:
    user = {"id": "W9", "deleted": True, "profile": {"display_name": " ", "real_name": ""}}
    assert display_name(user, fallback="W9") == "W9"
