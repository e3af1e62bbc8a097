"""The Slack emulator's side signs what it sends like Slack: slash commands, events,
block actions and view submissions reach the bot as Slack sends them, and a Bolt app
runs against it unchanged.

The API is driven with `slack_sdk.WebClient`; Slack's side is checked by a tiny stdlib HTTP
server standing in for the bot, which verifies every request with slack_sdk's
`SignatureVerifier` and records what it got.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.sandbox.slack_side import SlackSide, build_view_state
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace
from tests.sandbox.emulator_helpers import BUTTONS, MODAL, SECRET, FakeBot, _serve

# ---- Slack's side ---------------------------------------------------------------------


def test_slash_command_is_signed_and_its_ack_shown(
    slack: SlackSide, bot: FakeBot, workspace: Workspace
) -> None:
    bot.reply = lambda _r: (200, "Opening your grievance...")
    delivery = slack.slash_command("UCARLA", "CACME", "late delivery")
    assert delivery.status == 200
    form = bot.received[0].form
    assert form["command"] == "/grievance" and form["text"] == "late delivery"
    assert form["user_id"] == "UCARLA" and form["channel_name"] == "acme-recovery"
    # Carla types in a Slack Connect channel: Slack names her own team and organisation
    assert form["team_id"] == "T0CLIENT" and form["enterprise_id"] == "E0ACME"
    assert form["api_app_id"] == "A0SANDBOX"
    assert form["response_url"].startswith(slack.emulator.root_url + "response/")
    assert form["trigger_id"] in workspace.triggers
    assert workspace.ephemerals[-1].text == "Opening your grievance..."
    assert workspace.activity[-1].kind == "ephemeral"

    # the response_url: Bolt's respond() posts JSON with slack_sdk's WebhookClient
    posted = WebhookClient(form["response_url"]).send(text="Logged", response_type="in_channel")
    assert posted.status_code == 200
    assert workspace.messages[-1].text == "Logged" and workspace.messages[-1].bot_id == "BBOT"
    WebhookClient(form["response_url"]).send(text="Only you see this")
    assert workspace.ephemerals[-1].user == "UCARLA"
    assert workspace.ephemerals[-1].text == "Only you see this"


def test_events_with_retry_headers_and_membership(slack: SlackSide, bot: FakeBot) -> None:
    message, delivery = slack.post_message("UCARLA", "CACME", "Where is the report?")
    assert delivery is not None and delivery.status == 200
    envelope = json.loads(bot.received[-1].body)
    assert envelope["type"] == "event_callback" and envelope["is_ext_shared_channel"]
    assert envelope["event"]["text"] == "Where is the report?"
    assert envelope["event"]["channel_type"] == "channel"
    assert envelope["authorizations"][0]["user_id"] == "UBOT"

    _, retried_id = slack.deliver_event(envelope["event"], envelope["event_id"], retry_num=1)
    retry = bot.received[-1]
    assert retried_id == envelope["event_id"]
    assert retry.headers["X-Slack-Retry-Num"] == "1"
    assert retry.headers["X-Slack-Retry-Reason"] == "http_timeout"

    reply, _ = slack.post_message("UANA", "CACME", "Today", thread_ts=message.ts)
    event = json.loads(bot.received[-1].body)["event"]
    assert event["thread_ts"] == message.ts and event["parent_user_id"] == "UCARLA"
    slack.react("UANA", "CACME", message.ts, "eyes")
    event = json.loads(bot.received[-1].body)["event"]
    assert event["type"] == "reaction_added" and event["item_user"] == "UCARLA"
    slack.edit_message("UANA", "CACME", reply.ts, "Today, by 5pm")
    assert json.loads(bot.received[-1].body)["event"]["subtype"] == "message_changed"

    count = len(bot.received)
    assert slack.post_message("UANA", "CLOBBY", "bot is not here") == (
        slack.workspace.messages[-1],
        None,
    )
    assert len(bot.received) == count


def test_block_actions_payload(slack: SlackSide, bot: FakeBot, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="CACME", text="New grievance", blocks=BUTTONS)["ts"]
    slack.click("UANA", "ack", message=("CACME", ts))
    payload = bot.received[-1].payload
    assert payload["type"] == "block_actions"
    assert payload["actions"][0] | {"action_ts": None} == {
        "type": "button",
        "block_id": "acts",
        "action_id": "ack",
        "value": "g-1",
        "text": {"type": "plain_text", "text": "Acknowledge"},
        "action_ts": None,
    }
    assert payload["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": "CACME",
        "is_ephemeral": False,
    }
    assert payload["message"]["ts"] == ts and payload["user"]["name"] == "ana"
    assert payload["trigger_id"] and payload["response_url"]

    WebhookClient(payload["response_url"]).send(text="Acknowledged", replace_original=True)
    assert slack.workspace.find_message("CACME", ts).text == "Acknowledged"


def test_view_submission_state_and_response_actions(
    slack: SlackSide, bot: FakeBot, client: WebClient, workspace: Workspace
) -> None:
    view_id = client.views_open(trigger_id=slack.new_trigger_id("UBEN"), view=MODAL)["view"]["id"]
    bot.reply = lambda _r: (
        200,
        json.dumps({"response_action": "errors", "errors": {"what": "Say more"}}),
    )
    slack.submit_view("UBEN", view_id, {"what": "Missed the deadline", "pick": "HIGH"})
    view = bot.received[-1].payload["view"]
    assert view["state"]["values"] == {
        "what": {"text": {"type": "plain_text_input", "value": "Missed the deadline"}},
        "severity": {
            "pick": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "High"},
                    "value": "high",
                },
            }
        },
        "owner": {"who": {"type": "users_select", "selected_user": None}},
    }
    assert workspace.views[view_id].errors == {"what": "Say more"}

    bot.reply = lambda _r: (200, "")
    slack.submit_view("UBEN", view_id, {"what": "Missed it twice"})
    assert workspace.modal_stack("UBEN") == []
    assert [a.kind for a in workspace.activities_since(0)] == [
        "modal_open",
        "modal_update",
        "modal_close",
    ]
    with pytest.raises(ValueError, match="required"):
        slack.submit_view(
            "UBEN",
            client.views_open(trigger_id=slack.new_trigger_id("UBEN"), view=MODAL)["view"]["id"],
            {},
        )


def test_build_view_state_uses_initial_values() -> None:
    state = build_view_state(MODAL, {})
    assert state["severity"]["pick"]["selected_option"]["value"] == "low"
    assert state["what"]["text"] == {"type": "plain_text_input", "value": None}
    with pytest.raises(ValueError, match="no option"):
        build_view_state(MODAL, {"severity": "urgent"})


def test_signature_refused_with_wrong_secret(
    workspace: Workspace, server: EmulatorServer, bot: FakeBot
) -> None:
    wrong = SlackSide(workspace, server, bot.url, "not-the-secret")
    assert wrong.open_home("UANA").status == 401
    assert bot.received == []


def test_bolt_app_runs_unchanged(workspace: Workspace, server: EmulatorServer) -> None:
    """A Bolt app behind the emulator: slash command -> modal -> validation -> close."""
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=workspace.bot_token, base_url=server.base_url),
        process_before_response=True,
    )

    @app.command("/grievance")
    def open_form(ack: Callable[..., None], body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("raise")
    def save(ack: Callable[..., None], view: dict[str, Any]) -> None:
        text = view["state"]["values"]["what"]["text"]["value"]
        if len(text) < 10:
            ack(response_action="errors", errors={"what": "Tell us a bit more"})
        else:
            ack()

    def dispatch(headers: dict[str, str], body: str) -> tuple[int, str, str]:
        answer = app.dispatch(BoltRequest(body=body, headers=headers))
        kind = answer.headers.get("content-type", ["text/plain"])[0]
        return answer.status, kind, answer.body

    httpd = _serve(dispatch)
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/slack/events"
        slack = SlackSide(workspace, server, url, SECRET)
        assert slack.slash_command("UANA", "CACME", "").status == 200
        (modal,) = workspace.modal_stack("UANA")
        slack.submit_view("UANA", modal.id, {"what": "late"})
        assert modal.errors == {"what": "Tell us a bit more"}
        slack.submit_view("UANA", modal.id, {"what": "late twice this month"})
        assert workspace.modal_stack("UANA") == []
    finally:
        httpd.shutdown()
        httpd.server_close()
