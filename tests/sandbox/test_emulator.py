"""The Slack emulator answers the real slack_sdk and signs what it sends like Slack.

The API is driven with `slack_sdk.WebClient`; Slack's side is checked by a tiny stdlib HTTP
server standing in for the bot, which verifies every request with slack_sdk's
`SignatureVerifier` and records what it got.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.sandbox.blockkit_limits import message_block_errors, view_errors
from bot.sandbox.slack_side import SlackSide, build_view_state
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Channel, Workspace

SECRET = "sandbox-signing-secret"

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}
MODAL = {
    "type": "modal",
    "callback_id": "raise",
    "title": {"type": "plain_text", "text": "Raise a grievance"},
    "submit": {"type": "plain_text", "text": "Raise"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What happened?"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        },
        {
            "type": "input",
            "block_id": "severity",
            "label": {"type": "plain_text", "text": "Severity"},
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                ],
                "initial_option": {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
            },
        },
        {
            "type": "input",
            "block_id": "owner",
            "optional": True,
            "label": {"type": "plain_text", "text": "Owner"},
            "element": {"type": "users_select", "action_id": "who"},
        },
    ],
}
BUTTONS = [
    {
        "type": "actions",
        "block_id": "acts",
        "elements": [
            {
                "type": "button",
                "action_id": "ack",
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "value": "g-1",
            }
        ],
    }
]


@dataclass
class Received:
    """One request the stand-in bot got."""

    headers: dict[str, str]
    body: str

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body, keep_blank_values=True).items()}

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.form["payload"])


@dataclass
class FakeBot:
    """A stand-in bot: verifies Slack's signature, records, answers with `reply`."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    reply: Callable[[Received], tuple[int, str]] = lambda _r: (200, "")


@pytest.fixture
def workspace() -> Workspace:
    return Workspace.demo()


@pytest.fixture
def server(workspace: Workspace) -> Iterator[EmulatorServer]:
    with EmulatorServer(workspace) as emulator:
        yield emulator


@pytest.fixture
def client(server: EmulatorServer, workspace: Workspace) -> WebClient:
    return WebClient(token=workspace.bot_token, base_url=server.base_url)


def _serve(respond: Callable[[dict[str, str], str], tuple[int, str, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            status, kind, answer = respond(dict(self.headers.items()), body)
            data = answer.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


@pytest.fixture
def bot() -> Iterator[FakeBot]:
    fake = FakeBot()
    verifier = SignatureVerifier(SECRET)

    def respond(headers: dict[str, str], body: str) -> tuple[int, str, str]:
        if not verifier.is_valid_request(body, headers):
            return 401, "application/json", '{"error": "invalid request"}'
        got = Received(headers, body)
        fake.received.append(got)
        status, answer = fake.reply(got)
        kind = "application/json" if answer.startswith("{") else "text/plain"
        return status, kind, answer

    httpd = _serve(respond)
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/slack/events"
    yield fake
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def slack(workspace: Workspace, server: EmulatorServer, bot: FakeBot) -> SlackSide:
    return SlackSide(workspace, server, bot.url, SECRET)


def _error(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value.response.data


# ---- Web API ------------------------------------------------------------------------


def test_auth_test_names_the_bot(client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["user_id"] == "UBOT" and answer["bot_id"] == "BBOT"
    assert answer["team_id"] == "T0SANDBOX" and answer["url"].startswith("https://sandbox.")


def test_bad_or_missing_token_and_unknown_method(server: EmulatorServer) -> None:
    assert (
        _error(WebClient(token="xoxb-wrong", base_url=server.base_url).auth_test)["error"]
        == "invalid_auth"
    )
    assert _error(WebClient(base_url=server.base_url).auth_test)["error"] == "not_authed"
    client = WebClient(token="xoxb-sandbox-token", base_url=server.base_url)
    assert _error(lambda: client.api_call("chat.nope"))["error"] == "unknown_method"


def test_post_update_thread_and_permalink(client: WebClient, workspace: Workspace) -> None:
    posted = client.chat_postMessage(channel="CACME", text="Sorry about Friday", blocks=[SECTION])
    ts = posted["ts"]
    assert posted["channel"] == "CACME" and posted["message"]["bot_id"] == "BBOT"
    assert posted["message"]["blocks"][0]["block_id"]  # Slack fills in missing block_ids

    updated = client.chat_update(channel="CACME", ts=ts, text="Sorry about Friday (edited)")
    assert updated["text"] == "Sorry about Friday (edited)"
    assert workspace.find_message("CACME", ts).blocks  # blocks kept when not given

    reply = workspace.post_user_message("UCARLA", "CACME", "Thanks", thread_ts=ts)
    bot_reply = client.chat_postMessage(channel="CACME", thread_ts=ts, text="On it")
    thread = client.conversations_replies(channel="CACME", ts=ts)["messages"]
    assert [m["ts"] for m in thread] == [ts, reply.ts, bot_reply["ts"]]
    assert thread[0]["reply_count"] == 2 and thread[1]["parent_user_id"] == "UBOT"

    link = client.chat_getPermalink(channel="CACME", message_ts=bot_reply["ts"])["permalink"]
    assert link == (
        f"https://sandbox.slack.local/archives/CACME/p{bot_reply['ts'].replace('.', '')}"
        f"?thread_ts={ts}&cid=CACME"
    )
    kinds = [a.kind for a in workspace.activities_since(0)]
    assert kinds == ["message", "update", "message"]
    assert workspace.activities_since(2)[0].ts == bot_reply["ts"]


def test_post_refusals(client: WebClient, workspace: Workspace) -> None:
    too_many = _error(
        lambda: client.chat_postMessage(channel="CACME", text="t", blocks=[SECTION] * 51)
    )
    assert too_many["error"] == "invalid_blocks"
    assert "no more than 50 items allowed [json-pointer:/blocks]" in too_many["errors"]
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    too_long = _error(
        lambda: client.chat_postMessage(channel="CACME", text="t", blocks=[long_section])
    )
    assert too_long["errors"] == [
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]
    assert too_long["response_metadata"]["messages"][0].startswith("[ERROR] ")
    assert (
        _error(lambda: client.chat_postMessage(channel="CACME", text="x" * 40_001))["error"]
        == "msg_too_long"
    )
    with pytest.warns(UserWarning, match="text"):  # slack_sdk warns too
        assert (
            _error(lambda: client.chat_postMessage(channel="CACME", text=""))["error"] == "no_text"
        )
    assert (
        _error(lambda: client.chat_postMessage(channel="CNOPE", text="hi"))["error"]
        == "channel_not_found"
    )
    workspace.add_channel(Channel("CSECRET", "secret", is_private=True, members={"UANA"}))
    assert (
        _error(lambda: client.chat_postMessage(channel="CSECRET", text="hi"))["error"]
        == "not_in_channel"
    )
    # chat:write.public: a public channel the bot is not in still takes posts
    assert client.chat_postMessage(channel="CLOBBY", text="hi")["ok"]
    assert workspace.calls_to("chat.postMessage")[-1].ok


def test_update_and_ephemeral_refusals(client: WebClient, workspace: Workspace) -> None:
    theirs = workspace.post_user_message("UANA", "CINTERNAL", "mine")
    assert (
        _error(lambda: client.chat_update(channel="CINTERNAL", ts=theirs.ts, text="x"))["error"]
        == "cant_update_message"
    )
    assert (
        _error(lambda: client.chat_update(channel="CINTERNAL", ts="1.2", text="x"))["error"]
        == "message_not_found"
    )
    assert (
        _error(lambda: client.chat_postEphemeral(channel="CINTERNAL", user="UCARLA", text="x"))[
            "error"
        ]
        == "user_not_in_channel"
    )
    ephemeral = client.chat_postEphemeral(channel="CINTERNAL", user="UBEN", text="psst")
    assert workspace.ephemerals[-1].ts == ephemeral["message_ts"]


def test_dm_by_user_id_and_conversations(client: WebClient, workspace: Workspace) -> None:
    posted = client.chat_postMessage(channel="UCARLA", text="Hello Carla")
    assert posted["channel"] == client.conversations_open(users="UCARLA")["channel"]["id"]
    info = client.conversations_info(channel="CACME")["channel"]
    assert info["is_ext_shared"] and info["is_member"] and info["num_members"] == 5
    assert (
        _error(lambda: client.conversations_join(channel="CINTERNAL"))["error"]
        == "method_not_supported_for_channel_type"
    )
    assert client.conversations_join(channel="CLOBBY")["channel"]["is_member"]

    pages = [p["members"] for p in client.conversations_members(channel="CACME", limit=2)]
    assert pages == [["UANA", "UBEN"], ["UBOT", "UCARLA"], ["UDEV"]]

    carla = client.users_info(user="UCARLA")["user"]
    assert carla["team_id"] == "T0CLIENT" and carla["profile"]["display_name"] == "carla"
    assert client.users_info(user="UDEV")["user"]["is_ultra_restricted"]
    assert _error(lambda: client.users_info(user="UNOBODY"))["error"] == "user_not_found"


def test_views_need_a_fresh_trigger(
    client: WebClient, workspace: Workspace, slack: SlackSide
) -> None:
    trigger = slack.new_trigger_id("UANA")
    view = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert view["id"].startswith("V") and view["state"] == {"values": {}}
    assert workspace.modal_stack("UANA")[0].id == view["id"]
    assert (
        _error(lambda: client.views_open(trigger_id=trigger, view=MODAL))["error"]
        == "exchanged_trigger_id"
    )
    stale = slack.new_trigger_id("UANA")
    workspace.triggers[stale].expires_at = 0
    assert (
        _error(lambda: client.views_open(trigger_id=stale, view=MODAL))["error"]
        == "expired_trigger_id"
    )
    assert (
        _error(lambda: client.views_open(trigger_id="1.2.3", view=MODAL))["error"]
        == "invalid_trigger_id"
    )

    long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    refused = _error(
        lambda: client.views_open(trigger_id=slack.new_trigger_id("UANA"), view=long_title)
    )
    assert refused["error"] == "invalid_arguments"
    assert refused["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]

    assert (
        _error(lambda: client.views_update(view_id=view["id"], hash="stale", view=MODAL))["error"]
        == "hash_conflict"
    )
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL)["view"]
    assert updated["hash"] != view["hash"]
    home = {"type": "home", "blocks": [SECTION]}
    first = client.views_publish(user_id="UANA", view=home)["view"]
    assert client.views_publish(user_id="UANA", view=home)["view"]["id"] == first["id"]


def test_injected_error_then_normal(client: WebClient, workspace: Workspace) -> None:
    workspace.inject("chat.postMessage", "ratelimited_by_test", times=1)
    assert (
        _error(lambda: client.chat_postMessage(channel="CACME", text="a"))["error"]
        == "ratelimited_by_test"
    )
    assert client.chat_postMessage(channel="CACME", text="a")["ok"]
    workspace.inject_http_error("users.info", status=503)
    with pytest.raises(SlackApiError) as caught:
        client.users_info(user="UANA")
    assert caught.value.response.status_code == 503


def test_rate_limit_is_retried_after_retry_after(
    server: EmulatorServer, workspace: Workspace
) -> None:
    client = WebClient(
        token=workspace.bot_token,
        base_url=server.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    workspace.inject_rate_limit("chat.postMessage", retry_after=0)
    assert client.chat_postMessage(channel="CACME", text="after a wait")["ok"]
    calls = workspace.calls_to("chat.postMessage")
    assert [(c.ok, c.error) for c in calls] == [(False, "ratelimited"), (True, None)]


def test_slack_pace_refuses_a_second_post_to_a_channel_within_the_spacing(
    client: WebClient, workspace: Workspace
) -> None:
    workspace.post_spacing = 60.0
    assert client.chat_postMessage(channel="CACME", text="first")["ok"]
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="CACME", text="too soon")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "60"
    assert client.chat_postMessage(channel="CINTERNAL", text="another channel")["ok"]


def test_files_upload_v2_end_to_end(client: WebClient, workspace: Workspace) -> None:
    answer = client.files_upload_v2(
        channel="CINTERNAL",
        content="date,issue\n",
        filename="log.csv",
        title="Log",
        initial_comment="Here is the log",
    )
    file_id = answer["file"]["id"]
    assert workspace.files[file_id].content == b"date,issue\n"
    assert answer["file"]["title"] == "Log"
    message = workspace.messages[-1]
    assert message.text == "Here is the log" and message.files[0]["id"] == file_id
    assert workspace.activity[-1].kind == "file" and workspace.activity[-1].file_id == file_id


# ---- Block Kit limits -----------------------------------------------------------------


def test_block_kit_limits() -> None:
    button = {"type": "button", "action_id": "b", "text": {"type": "plain_text", "text": "ok"}}
    assert message_block_errors([SECTION, {"type": "actions", "elements": [button] * 25}]) == []
    assert message_block_errors([{"type": "actions", "elements": [button] * 26}]) == [
        "no more than 25 items allowed [json-pointer:/blocks/0/elements]"
    ]
    assert message_block_errors([{"type": "carousel"}]) == [
        "failed to match all allowed schemas [json-pointer:/blocks/0]"
    ]
    twice = {**SECTION, "block_id": "same"}
    assert message_block_errors([twice, twice]) == [
        "duplicate block_id [json-pointer:/blocks/1/block_id]"
    ]
    header = {"type": "header", "text": {"type": "mrkdwn", "text": "h" * 151}}
    assert len(message_block_errors([header])) == 2  # plain_text only, and too long
    option = {"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}
    select = {"type": "static_select", "action_id": "s", "options": [option] * 101}
    errors = message_block_errors([{**SECTION, "accessory": select}])
    assert "no more than 100 items allowed [json-pointer:/blocks/0/accessory/options]" in errors
    assert view_errors({**MODAL, "private_metadata": "m" * 3001}) == [
        "must be less than 3001 characters [json-pointer:/view/private_metadata]"
    ]
    assert view_errors({k: v for k, v in MODAL.items() if k != "submit"}) == [
        "must provide submit when blocks contain input blocks [json-pointer:/view/submit]"
    ]
    assert view_errors({"type": "home", "blocks": [SECTION] * 101})


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
