"""The corpus of malformed Slack payloads: slash commands, block actions, view
submissions, events, raw bodies and headers, each one a way Slack's payloads can go wrong.

Slack's payloads are signed, not guaranteed well formed: a field can be missing, null, a
number or a list; a body can be bad JSON, a list, empty, huge, or of the wrong content
type. Every such request must get a 2xx (ignored), a 4xx, or a clear message: never a
5xx, and never a half-written record. Afterwards the bot still serves a normal command.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlencode

from bot.ids import Action, Callback
from bot.web import MAX_BODY_BYTES
from tests.fuzz.malformed_helpers import (
    _MISSING,
    CHANNEL,
    FILING_TEXT,
    FORM,
    JSON_TYPE,
    MODALS,
    TEAM,
    USER,
    Malformed,
    _action,
    _block_actions,
    _command,
    _envelope,
    _form,
    _interaction,
    _json,
    _message,
    _payload,
    _submission,
    _view,
)

# ---- the corpus ----------------------------------------------------------------------------


def _commands() -> Iterator[Malformed]:
    for field in ("text", "user_id", "channel_id", "trigger_id", "team_id", "command"):
        yield Malformed(f"command without {field}", _form(_command(**{field: _MISSING})))
    for field in ("user_id", "channel_id", "team_id"):
        for value, shown in ((_MISSING, "without"), ("", "with empty")):
            yield Malformed(
                f"command filing text {shown} {field}",
                _form(_command(text=FILING_TEXT, **{field: value})),
            )
    yield Malformed(
        "command 'new' without trigger_id", _form(_command(text="new", trigger_id=_MISSING))
    )
    yield Malformed("command with only the command", _form({"command": "/grievance"}))
    every_field_empty = {k: "" for k in _command()} | {"command": "/grievance"}
    yield Malformed("command with every field empty", _form(every_field_empty))
    yield Malformed("command of another app", _form(_command(command="/other")))
    yield Malformed(
        "command text of control characters", _form(_command(text="\x00\x01\x1b[2J\x7f"))
    )
    yield Malformed(
        "command with repeated fields",
        b"command=/grievance&text=help&text=history&user_id=U1&user_id=U2&team_id=T&channel_id=C",
    )
    yield Malformed("command not url-encoded", b"command=/grievance&text=100%&user_id=%ZZ")
    for field, value in (
        ("text", 5),
        ("text", None),
        ("text", ["help"]),
        ("text", {"a": 1}),
        ("user_id", 123),
        ("user_id", None),
        ("user_id", {"id": USER}),
        ("channel_id", None),
        ("channel_id", ["C1"]),
        ("team_id", 7),
        ("trigger_id", False),
        ("response_url", 12),
    ):
        fields = _command(**({"text": FILING_TEXT} | {field: value}))
        yield Malformed(f"JSON command with {field}={value!r}", _json(fields), JSON_TYPE)


def _actions() -> Iterator[Malformed]:
    yield Malformed("block_actions without actions", _payload(_block_actions(actions=_MISSING)))
    yield Malformed("block_actions with empty actions", _payload(_block_actions()))
    for value in (None, "x", 5, [1], [None], [{}], [{"action_id": None}], [{"action_id": 5}]):
        yield Malformed(
            f"block_actions with actions={value!r}", _payload(_block_actions(actions=value))
        )
    detail = _action(Action.ADD_DETAIL, "1")
    for field in ("user", "team", "channel", "container", "message", "trigger_id", "response_url"):
        yield Malformed(
            f"block_actions without {field}",
            _payload(_block_actions(detail, **{field: _MISSING})),
        )
    for field, value in (
        ("user", "UANA"),
        ("user", None),
        ("user", {"id": None}),
        ("user", {"id": 5}),
        ("user", {}),
        ("team", "T0SANDBOX"),
        ("team", None),
        ("team", []),
        ("channel", "CACME"),
        ("channel", None),
        ("container", "message"),
        ("message", "text"),
        ("message", {"ts": None}),
        ("trigger_id", 5),
        ("response_url", ["x"]),
    ):
        yield Malformed(
            f"block_actions with {field}={value!r}",
            _payload(_block_actions(detail, **{field: value})),
        )
    action_ids = (
        Action.ADD_DETAIL,
        f"{Action.SET_STATUS}:resolved",
        f"{Action.SET_STATUS}:nonsense",
        Action.READ_ALL,
        "history_page:2",
        "history_page:abc",
        Action.PICK_CASE,
        Action.INTERVIEW_OPEN,
        f"{Action.CHECKIN_RATE}:0:5",
        f"{Action.CHECKIN_RATE}:x:y",
        Action.FINAL_RATING_OPEN,
        Action.COMMITMENT_DONE,
        f"{Action.PULSE_RATE}:4",
        Action.PULSE_COMMENT,
        "an_action_nobody_listens_to",
    )
    for action_id in action_ids:
        for value in (_MISSING, None, "abc", "1:2:3:4", "99999999999999999999999999", 5, ["1"]):
            shown = "no value" if value is _MISSING else f"value={value!r}"
            yield Malformed(
                f"block_actions {action_id} with {shown}",
                _payload(_block_actions(_action(action_id, value))),
            )
    yield Malformed(
        "block_actions select with selected_option a string",
        _payload(
            _block_actions(
                {"type": "static_select", "action_id": Action.PICK_CASE, "selected_option": "x"}
            )
        ),
    )


def _submissions() -> Iterator[Malformed]:
    yield Malformed("view_submission without view", _payload(_submission()))
    for value in (None, "modal", 5, [], {}, {"callback_id": Callback.GRIEVANCE_MODAL}):
        yield Malformed(f"view_submission with view={value!r}", _payload(_submission(value)))
    for callback in MODALS:
        yield Malformed(
            f"view_submission {callback} with private_metadata=5 (a number)",
            _payload(_submission(_view(callback, private_metadata=5))),
        )
        for state in (
            _MISSING,
            "state",
            None,
            {"values": None},
            {"values": []},
            {"values": "x"},
            {"values": {"text": []}},
            {"values": {"text": {"text": "x"}}},
            {"values": {"text": {"text": {"type": "static_select", "selected_option": "x"}}}},
            {"values": {"text": {"text": {"type": "checkboxes", "selected_options": ["x", 5]}}}},
            {"values": {"text": {"text": {"type": "plain_text_input", "value": 5}}}},
            {"values": {"text": {"text": {"type": "plain_text_input", "value": ["a"]}}}},
        ):
            shown = "without state" if state is _MISSING else f"with state={state!r}"
            yield Malformed(
                f"view_submission {callback} {shown}",
                _payload(_submission(_view(callback, state=state))),
            )
    yield Malformed(
        "view_submission with an unknown callback_id",
        _payload(_submission(_view("a_modal_nobody_knows"))),
    )
    yield Malformed("view_submission with callback_id=5", _payload(_submission(_view(5))))
    for field, value in (("user", _MISSING), ("user", "UANA"), ("team", None), ("team", "T")):
        shown = f"without {field}" if value is _MISSING else f"with {field}={value!r}"
        yield Malformed(
            f"view_submission {shown}",
            _payload(_submission(_view(Callback.GRIEVANCE_MODAL), **{field: value})),
        )
    yield Malformed("view_closed without view", _payload(_interaction("view_closed")))
    shortcut = {"callback_id": Callback.FILE_AS_GRIEVANCE}
    yield Malformed(
        "message_action without message",
        _payload(_interaction("message_action", channel={"id": CHANNEL}, **shortcut)),
    )
    yield Malformed(
        "message_action with message a string and no channel",
        _payload(_interaction("message_action", message="x", **shortcut)),
    )
    yield Malformed(
        "message_action with a message missing ts and text",
        _payload(_interaction("message_action", channel={"id": CHANNEL}, message={}, **shortcut)),
    )
    yield Malformed("shortcut without callback_id", _payload(_interaction("shortcut")))
    yield Malformed(
        "block_suggestion without action_id", _payload(_interaction("block_suggestion"))
    )
    yield Malformed("interaction of an unknown type", _payload(_interaction("no_such_type")))
    yield Malformed("interaction without type", _payload(_interaction("x", type=_MISSING)))
    yield Malformed("interaction with type=5", _payload(_interaction("x", type=5)))


def _events() -> Iterator[Malformed]:
    yield Malformed("event_callback without event", _json(_envelope()), JSON_TYPE)
    for event in (None, "message", 5, [], [{"type": "message"}]):
        yield Malformed(f"event_callback with event={event!r}", _json(_envelope(event)), JSON_TYPE)
    yield Malformed("event without type", _json(_envelope({"channel": CHANNEL})), JSON_TYPE)
    for kind in (None, 5, "", ["message"], {"x": 1}):
        yield Malformed(f"event with type={kind!r}", _json(_envelope({"type": kind})), JSON_TYPE)
    for kind in ("no_such_event", "tokens_revoked", "channel_rename", "team_join", "file_shared"):
        yield Malformed(f"unknown event type {kind}", _json(_envelope({"type": kind})), JSON_TYPE)
    for field, value in (
        ("event_id", 5),
        ("event_id", None),
        ("event_id", ["Ev1"]),
        ("event_id", _MISSING),
        ("team_id", ["T"]),
        ("team_id", None),
        ("team_id", {"id": TEAM}),
        ("authorizations", "x"),
        ("authorizations", [None]),
        ("authorizations", []),
        ("api_app_id", 5),
        ("type", None),
    ):
        yield Malformed(
            f"event_callback with {field}={value!r}",
            _json(_envelope(_message(text="help"), **{field: value})),
            JSON_TYPE,
        )
    subtypes = (
        "message_changed",
        "message_deleted",
        "message_replied",
        "thread_broadcast",
        "bot_message",
        "channel_join",
        "channel_topic",
        "file_share",
        "me_message",
        "tombstone",
        "no_such_subtype",
    )
    for subtype in subtypes:
        yield Malformed(
            f"message subtype {subtype}, nothing else",
            _json(_envelope(_message(subtype=subtype))),
            JSON_TYPE,
        )
        for field in ("channel", "ts", "user", "text"):
            yield Malformed(
                f"message subtype {subtype} without {field}",
                _json(_envelope(_message(subtype=subtype, **{field: _MISSING}))),
                JSON_TYPE,
            )
    for subtype, extra in (
        ("message_changed", {"message": None}),
        ("message_changed", {"message": "x"}),
        ("message_changed", {"message": {"ts": None, "text": 5}}),
        ("message_changed", {"message": {}, "previous_message": "x"}),
        ("message_changed", {"message": {"ts": "1.2", "thread_ts": 5, "text": ["x"]}}),
        ("message_deleted", {"previous_message": None, "deleted_ts": 5}),
        ("message_deleted", {"previous_message": [], "deleted_ts": None}),
        ("message_deleted", {"deleted_ts": "999.999"}),
        ("file_share", {"files": "x"}),
        ("file_share", {"files": [None, 5, {}]}),
        ("thread_broadcast", {"thread_ts": None, "root": "x"}),
    ):
        yield Malformed(
            f"message subtype {subtype} with {extra!r}",
            _json(_envelope(_message(subtype=subtype, **extra))),
            JSON_TYPE,
        )
    for field, value in (
        ("channel", 5),
        ("channel", None),
        ("channel", {"id": CHANNEL}),
        ("ts", None),
        ("ts", 5),
        ("ts", "not a ts"),
        ("ts", ["1.2"]),
        ("thread_ts", 5),
        ("thread_ts", "not a ts"),
        ("thread_ts", {"x": 1}),
        ("user", 5),
        ("user", {"id": USER}),
        ("user", None),
        ("text", 5),
        ("text", None),
        ("text", ["x"]),
        ("channel_type", 5),
        ("subtype", None),
        ("subtype", 5),
        ("bot_id", ["B"]),
        ("blocks", "x"),
        ("files", 5),
    ):
        yield Malformed(
            f"message with {field}={value!r}",
            _json(_envelope(_message(**{field: value}))),
            JSON_TYPE,
        )
    yield Malformed(
        "thread reply on an unknown thread",
        _json(_envelope(_message(thread_ts="1.000001", text="hello"))),
        JSON_TYPE,
    )
    for event in (
        {"type": "app_home_opened"},
        {"type": "app_home_opened", "user": None, "tab": 5},
        {"type": "app_home_opened", "user": {"id": USER}, "tab": "home"},
        {"type": "app_home_opened", "user": USER, "tab": "messages"},
        {"type": "reaction_added"},
        {"type": "reaction_added", "item": None, "reaction": 5, "user": None},
        {"type": "reaction_added", "item": "x", "reaction": "+1", "user": USER},
        {"type": "reaction_added", "item": {"type": "message"}, "reaction": "+1", "user": USER},
        {
            "type": "reaction_added",
            "item": {"type": "message", "channel": 5, "ts": None},
            "reaction": ["+1"],
            "user": USER,
        },
        {"type": "reaction_removed", "item": {"channel": CHANNEL, "ts": "1.2"}, "user": USER},
        {"type": "app_mention"},
        {"type": "app_mention", "text": None, "channel": None},
        {"type": "member_joined_channel"},
        {"type": "member_joined_channel", "channel": 5, "user": []},
        {"type": "channel_deleted", "channel": None},
        {"type": "app_uninstalled"},
    ):
        yield Malformed(f"event {event!r}", _json(_envelope(event)), JSON_TYPE)
    yield Malformed(
        "url_verification without challenge", _json({"type": "url_verification"}), JSON_TYPE
    )
    yield Malformed(
        "url_verification with challenge=5",
        _json({"type": "url_verification", "challenge": 5, "token": "x"}),
        JSON_TYPE,
    )
    yield Malformed("JSON object with no type", _json({"hello": "world"}), JSON_TYPE)
    yield Malformed("JSON object with type=5", _json({"type": 5}), JSON_TYPE)
    yield Malformed("JSON empty object", b"{}", JSON_TYPE)


def _bodies() -> Iterator[Malformed]:
    for raw in ("{not json", "payload", "", "null", "5", "[1, 2]", '"str"', "true", "{}"):
        yield Malformed(f"payload={raw!r}", urlencode({"payload": raw}).encode())
    yield Malformed("payload= twice", b"payload=%7B%7D&payload=%5B%5D")
    yield Malformed("payload with an unencoded brace", b'payload={"type":')
    yield Malformed("a form field merely containing 'payload'", b"command=/grievance&text=payload")
    for raw, label in (
        (b"[1, 2, 3]", "JSON list"),
        (b"[]", "JSON empty list"),
        (b'"a string"', "JSON string"),
        (b"null", "JSON null"),
        (b"5", "JSON number"),
        (b"true", "JSON true"),
        (b"{", "truncated JSON"),
        (b'{"type": "event_callback",', "truncated JSON object"),
        (b'{"type": "event_callback"} trailing', "JSON with trailing garbage"),
        (b"{'type': 'event_callback'}", "JSON with single quotes"),
        (b'{"a": NaN}', "JSON with NaN"),
        (b'{"a": 1e999999}', "JSON with a huge exponent"),
        (b"[" * 50_000 + b"]" * 50_000, "JSON nested 50,000 deep"),
        (b'{"type": "\\ud800"}', "JSON with a lone surrogate"),
    ):
        yield Malformed(f"{label} as application/json", raw, JSON_TYPE)
        yield Malformed(f"{label} as a form", raw, FORM)
    yield Malformed("form body labelled application/json", _form(_command()), JSON_TYPE)
    yield Malformed("JSON body starting with a space", b" " + _json(_envelope(_message())), FORM)
    yield Malformed("command as text/plain", _form(_command()), "text/plain")
    yield Malformed("event as text/plain", _json(_envelope(_message(text="help"))), "text/plain")
    yield Malformed("command as multipart/form-data", _form(_command()), "multipart/form-data")
    boundary = "XyZ"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="command"\r\n\r\n/grievance\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nhelp\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    yield Malformed("a real multipart body", multipart, f"multipart/form-data; boundary={boundary}")
    yield Malformed("command without a content type", _form(_command()), None)
    yield Malformed("content type garbage", _form(_command()), "\x01;;;=")
    yield Malformed("empty form body", b"", FORM)
    yield Malformed("empty JSON body", b"", JSON_TYPE)
    yield Malformed("empty body, no content type", b"", None)
    yield Malformed("whitespace body", b"   \r\n ", FORM)
    yield Malformed("body not UTF-8", b"\xff\xfe\xfd command=/grievance", FORM)
    yield Malformed("JSON not UTF-8", b'{"type": "\xff"}', JSON_TYPE)
    yield Malformed("body with NUL bytes", b"command=/grievance\x00&text=help\x00", FORM)
    padding = MAX_BODY_BYTES - 2_000
    yield Malformed("command just under 1 MB (one long word)", _form(_command(text="x" * padding)))
    yield Malformed(
        "event just under 1 MB",
        _json(_envelope(_message(text="help"), padding="p" * padding)),
        JSON_TYPE,
    )
    yield Malformed(
        "payload just under 1 MB",
        _payload(_block_actions(_action(Action.ADD_DETAIL, "1"), padding="p" * padding)),
    )
    yield Malformed("exactly 1 MB of form", b"a=" + b"b" * (MAX_BODY_BYTES - 2))
    for length in (MAX_BODY_BYTES + 1, 1_100_000, 50_000_000, 10**12):
        yield Malformed(f"declared length {length} (over 1 MB)", b"", declared_length=length)


def _headers() -> Iterator[Malformed]:
    body = _form(_command())
    yield Malformed("unsigned command", body, signing="none")
    for stamp in ("", "abc", "1e10", "9" * 40, "-1", "0", "1700000000.5", " 17 "):
        yield Malformed(f"timestamp header {stamp!r}", body, signing=stamp)
    now = str(int(time.time()))
    for signature in ("", "v0=", "v0=zz", "v1=" + "0" * 64, "garbage", "v0=" + "0" * 6400):
        yield Malformed(
            f"signature header {signature[:20]!r}",
            body,
            signing="custom",
            headers=(("X-Slack-Request-Timestamp", now), ("X-Slack-Signature", signature)),
        )
    yield Malformed(
        "only a timestamp header",
        body,
        signing="custom",
        headers=(("X-Slack-Request-Timestamp", now),),
    )
    for retry in ("abc", "-1", "", "9" * 30):
        yield Malformed(
            f"retry header {retry!r}",
            _json(_envelope(_message(text="help"))),
            JSON_TYPE,
            headers=(("X-Slack-Retry-Num", retry), ("X-Slack-Retry-Reason", "\x01")),
        )


def corpus() -> list[Malformed]:
    """Every malformed request the bot must survive without a 5xx or a stray record."""
    return [*_commands(), *_actions(), *_submissions(), *_events(), *_bodies(), *_headers()]
