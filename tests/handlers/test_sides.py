"""Sides as Slack really reports them, through the bot's signed HTTP endpoint.

The sandbox workspace is one of two in an Enterprise Grid organisation (``E0SANDBOX``:
``T0SANDBOX`` where the bot is installed, ``T0DESIGN`` where Erin works); Carla comes from
a Slack Connect partner organisation (``T0CLIENT`` in ``E0ACME``); Dev is a guest. In the
shared channel Slack names the *sender's* team in envelopes and payloads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Message, User, Workspace
from bot.settings import Settings
from storage.models import Grievance, Person, Side, TimelineEntry
from storage.models import Workspace as WorkspaceRow

CHANNEL = "CACME"


def _file(stack: SandboxStack, user: str, text: str) -> Message:
    assert stack.slack.slash_command(user, CHANNEL, text).status == 200
    stack.settle()
    return [m for m in stack.workspace.messages if m.channel == CHANNEL and m.bot_id][-1]


def _side_of(stack: SandboxStack, user_id: str) -> Side:
    with stack.db.transaction() as session:
        return session.scalars(select(Person.side).where(Person.slack_user_id == user_id)).one()


def _workspace_rows(stack: SandboxStack) -> list[str]:
    with stack.db.transaction() as session:
        return list(session.scalars(select(WorkspaceRow.team_id)))


def test_a_grid_colleague_from_another_workspace_files_as_team_side(
    stack: SandboxStack,
) -> None:
    stack.workspace.channels[CHANNEL].members.add("UERIN")
    _file(stack, "UANA", "The export broke again")  # ana opens the case
    posted = _file(stack, "UERIN", "Our own build pipeline keeps failing them")
    text = json.dumps(posted.blocks)
    assert "(team side)" in text and "(client side)" not in text
    assert "Erin Walsh" in text  # her display name is empty: the real name is shown
    assert _side_of(stack, "UERIN") is Side.TEAM
    assert _workspace_rows(stack) == ["T0SANDBOX"]


def test_a_slack_connect_client_files_as_client_side(stack: SandboxStack) -> None:
    posted = _file(stack, "UCARLA", "Nobody told us about the outage")
    assert "(client side)" in json.dumps(posted.blocks)
    assert _side_of(stack, "UCARLA") is Side.CLIENT
    assert _workspace_rows(stack) == ["T0SANDBOX"]


def test_an_external_thread_reply_is_client_side_under_the_bots_workspace(
    stack: SandboxStack,
) -> None:
    root = _file(stack, "UANA", "The export broke again")
    _message, delivery = stack.slack.post_message(
        "UCARLA", CHANNEL, "It is still broken for us", thread_ts=root.ts
    )
    assert delivery is not None and delivery.status == 200
    stack.settle()
    with stack.db.transaction() as session:
        reply = session.scalars(select(TimelineEntry).where(TimelineEntry.kind == "reply")).one()
        assert reply.author is not None
        assert reply.author.slack_user_id == "UCARLA" and reply.author.side is Side.CLIENT
    assert _workspace_rows(stack) == ["T0SANDBOX"]


# Shape: bolt-python tests/scenario_tests/test_events_shared_channels.py — a message in a
# shared channel, delivered with the sender's team_id/enterprise_id on the envelope and the
# installation in `authorizations`; the message carries user_team/source_team/user_profile
# as in Slack's message event samples for Slack Connect channels. Ids are the sandbox's.
def _recorded_external_reply(root_ts: str) -> dict[str, Any]:
    return {
        "token": "verification_token",
        "team_id": "T0CLIENT",
        "enterprise_id": "E0ACME",
        "context_team_id": "T0SANDBOX",
        "context_enterprise_id": "E0SANDBOX",
        "api_app_id": "A0SANDBOX",
        "event": {
            "client_msg_id": "9c1f6e2a-0d1b-4f5e-8a51-6c1c2b7e0f11",
            "type": "message",
            "text": "Recorded: we still cannot export invoices",
            "user": "UCARLA",
            "ts": "1764500000.000200",
            "team": "T0CLIENT",
            "user_team": "T0CLIENT",
            "source_team": "T0CLIENT",
            "user_profile": {
                "avatar_hash": "g123",
                "first_name": "Carla",
                "real_name": "Carla Reyes",
                "display_name": "carla",
                "team": "T0CLIENT",
                "name": "carla",
                "is_restricted": False,
                "is_ultra_restricted": False,
            },
            "thread_ts": root_ts,
            "parent_user_id": "UBOT",
            "channel": CHANNEL,
            "event_ts": "1764500000.000200",
            "channel_type": "channel",
        },
        "type": "event_callback",
        "event_id": "Ev0RECORDED1",
        "event_time": 1764500000,
        "authorizations": [
            {
                "enterprise_id": "E0SANDBOX",
                "team_id": "T0SANDBOX",
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": True,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMENMSUVOVCJ9",
    }


def test_a_recorded_shared_channel_envelope_is_stored_on_the_right_side(
    stack: SandboxStack,
) -> None:
    root = _file(stack, "UANA", "The export broke again")
    delivery = stack.slack.deliver_recorded(_recorded_external_reply(root.ts))
    assert delivery.status == 200
    stack.settle()
    with stack.db.transaction() as session:
        reply = session.scalars(select(TimelineEntry).where(TimelineEntry.kind == "reply")).one()
        assert reply.author is not None and reply.author.side is Side.CLIENT
    assert _workspace_rows(stack) == ["T0SANDBOX"]


def test_a_guest_and_a_stranger_are_client_side(stack: SandboxStack) -> None:
    stack.workspace.add_user(
        User("UFAY", "fay", "Fay Ortiz", "T0CLIENT", enterprise_id="E0ACME", is_stranger=True)
    )
    stack.workspace.channels[CHANNEL].members.add("UFAY")
    _file(stack, "UDEV", "The staging site is down")
    _file(stack, "UFAY", "We were never invited to the demo")
    assert _side_of(stack, "UDEV") is Side.CLIENT
    assert _side_of(stack, "UFAY") is Side.CLIENT


# ---- an org-wide installation ----------------------------------------------------------


@pytest.fixture
def org_stack(database_url: str) -> Iterator[SandboxStack]:
    """The demo people, with the bot installed on the whole Grid organisation."""
    workspace = Workspace.demo()
    workspace.org_install = True
    with SandboxStack(Settings(database_url=database_url, _env_file=None), workspace) as running:
        yield running


def test_an_org_wide_install_keeps_one_record_set_and_the_same_sides(
    org_stack: SandboxStack,
) -> None:
    org_stack.workspace.channels[CHANNEL].members.add("UERIN")
    _file(org_stack, "UANA", "The export broke again")
    _file(org_stack, "UERIN", "Our pipeline is failing them")
    _file(org_stack, "UCARLA", "Nobody told us")
    assert _workspace_rows(org_stack) == ["E0SANDBOX"]
    assert _side_of(org_stack, "UERIN") is Side.TEAM
    assert _side_of(org_stack, "UCARLA") is Side.CLIENT
    with org_stack.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Grievance)) == 3


# Shape: Slack's slash command sample (api.slack.com/interactivity/slash-commands, "the
# payload"), as Enterprise Grid sends it for a member of another workspace of the same
# organisation: that workspace's team_id and domain, and the organisation's enterprise_id.
RECORDED_GRID_COMMAND = {
    "token": "gIkuvaNzQIHg97ATvDxqgjtO",
    "team_id": "T0DESIGN",
    "team_domain": "sandbox-design",
    "enterprise_id": "E0SANDBOX",
    "enterprise_name": "Sandbox Org",
    "channel_id": CHANNEL,
    "channel_name": "acme-recovery",
    "user_id": "UERIN",
    "user_name": "erin",
    "command": "/grievance",
    "text": "The design review was skipped again",
    "api_app_id": "A0SANDBOX",
    "is_enterprise_install": "false",
}


def test_a_recorded_grid_slash_command_is_filed_on_the_team_side(stack: SandboxStack) -> None:
    _file(stack, "UANA", "The export broke again")
    assert stack.slack.run_recorded_command(RECORDED_GRID_COMMAND).status == 200
    stack.settle()
    posted = [m for m in stack.workspace.messages if m.channel == CHANNEL and m.bot_id][-1]
    assert "The design review was skipped again" in json.dumps(posted.blocks)
    assert "(team side)" in json.dumps(posted.blocks)
    assert _workspace_rows(stack) == ["T0SANDBOX"]
