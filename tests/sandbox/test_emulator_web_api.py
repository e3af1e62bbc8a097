"""The Slack emulator's Web API answers the real slack_sdk: posting, updating, DMs,
views, injected errors, rate limits, pacing and file uploads, and Block Kit's limits.

The API is driven with `slack_sdk.WebClient`; Slack's side is checked by a tiny stdlib HTTP
server standing in for the bot, which verifies every request with slack_sdk's
`SignatureVerifier` and records what it got.
"""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.sandbox.blockkit_limits import message_block_errors, view_errors
from bot.sandbox.slack_side import SlackSide
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Channel, Workspace
from tests.sandbox.emulator_helpers import MODAL, SECTION, _error

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
