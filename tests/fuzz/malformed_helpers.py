"""Building malformed Slack payloads, correctly signed, and sending them to the real
``/slack/events``: the request type, payload builders, and the sender that reports every
5xx or non-answer.

Slack's payloads are signed, not guaranteed well formed: a field can be missing, null, a
number or a list; a body can be bad JSON, a list, empty, huge, or of the wrong content
type. Every such request must get a 2xx (ignored), a 4xx, or a clear message: never a
5xx, and never a half-written record. Afterwards the bot still serves a normal command.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from sqlalchemy import func, select

from bot.ids import Callback
from bot.sandbox.stack import SandboxStack
from storage.models import Case, Grievance

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
TEAM, USER, CHANNEL = "T0SANDBOX", "UANA", "CACME"
#: Replaced at send time by a fresh response_url / trigger_id issued by the emulator, so
#: listeners can answer as they would in Slack (each response_url takes only five posts).
RESPONSE_URL = "https://hooks.invalid/response-url"
TRIGGER_ID = "trigger-placeholder"
#: A grievance text: if any malformed request managed to file it, a row would show up.
FILING_TEXT = "the release broke checkout for every client again"
#: private_metadata that every modal's context can read (extra fields are ignored), naming
#: nothing that exists: a submission that gets past it is refused for want of its case.
PLAUSIBLE_METADATA = json.dumps(
    {
        "team_id": TEAM,
        "channel_id": CHANNEL,
        "case_id": 999_999,
        "version": 1,
        "interview_id": 999_999,
        "rating_id": 999_999,
    }
)
#: Modals a view_submission can come from (FILE_AS_GRIEVANCE is a message shortcut).
MODALS = tuple(c for c in Callback if c is not Callback.FILE_AS_GRIEVANCE)
_MISSING = object()


@dataclass(frozen=True)
class Malformed:
    """One request of the corpus: a raw body, how it is labelled, how it is signed."""

    name: str
    body: bytes
    content_type: str | None = FORM
    #: "valid": signed now; "none": no signature headers; "custom": only ``headers``;
    #: anything else: that timestamp header, with the body signed for it.
    signing: str = "valid"
    headers: tuple[tuple[str, str], ...] = ()
    #: Send only the headers, declaring this length (bodies over the 1 MB limit).
    declared_length: int | None = None


# ---- payload builders --------------------------------------------------------------------


def _apply(base: dict[str, object], overrides: dict[str, object]) -> dict[str, object]:
    merged = base | overrides
    return {k: v for k, v in merged.items() if v is not _MISSING}


def _form(fields: dict[str, object]) -> bytes:
    return urlencode({k: str(v) for k, v in fields.items()}).encode()


def _payload(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _command(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "token": "sandbox-verification-token",
        "team_id": TEAM,
        "team_domain": "acme",
        "channel_id": CHANNEL,
        "channel_name": "acme-recovery",
        "user_id": USER,
        "user_name": "ana",
        "command": "/grievance",
        "text": "help",
        "api_app_id": "A0SANDBOX",
        "response_url": RESPONSE_URL,
        "trigger_id": TRIGGER_ID,
    }
    return _apply(base, overrides)


def _interaction(kind: str, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "type": kind,
        "token": "sandbox-verification-token",
        "api_app_id": "A0SANDBOX",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": USER, "username": "ana", "name": "ana", "team_id": TEAM},
        "trigger_id": TRIGGER_ID,
        "response_url": RESPONSE_URL,
    }
    return _apply(base, overrides)


def _action(action_id: object, value: object = _MISSING) -> dict[str, object]:
    action = {"type": "button", "action_id": action_id, "block_id": "b", "action_ts": "1.2"}
    return _apply(action, {"value": value})


def _block_actions(*actions: object, **overrides: object) -> dict[str, object]:
    base = _interaction(
        "block_actions",
        actions=list(actions),
        channel={"id": CHANNEL, "name": "acme-recovery"},
        container={"type": "message", "message_ts": "1700000000.000100", "channel_id": CHANNEL},
        message={"ts": "1700000000.000100", "text": "x", "blocks": []},
    )
    return _apply(base, overrides)


def _view(callback_id: object, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "V0BOGUS",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": PLAUSIBLE_METADATA,
        "state": {"values": {}},
        "hash": "1.abc",
        "title": {"type": "plain_text", "text": "x"},
        "blocks": [],
    }
    return _apply(base, overrides)


def _submission(view: object = _MISSING, **overrides: object) -> dict[str, object]:
    return _interaction("view_submission", view=view, **overrides)


def _envelope(event: object = _MISSING, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "token": "sandbox-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0SANDBOX",
        "type": "event_callback",
        "event": event,
        "event_id": f"Ev{time.time_ns()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
    }
    return _apply(base, overrides)


def _message(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "type": "message",
        "channel": CHANNEL,
        "user": USER,
        "text": FILING_TEXT,
        "ts": f"{time.time():.6f}",
        "channel_type": "channel",
    }
    return _apply(base, overrides)


# ---- sending -------------------------------------------------------------------------------


def _fresh(body: bytes, issue: Callable[[], tuple[str, str]]) -> bytes:
    """``body`` with the placeholders replaced by a live response_url and trigger_id."""
    if RESPONSE_URL.encode() not in body and quote(RESPONSE_URL, safe="").encode() not in body:
        return body
    url, trigger = issue()
    for placeholder, live in ((RESPONSE_URL, url), (TRIGGER_ID, trigger)):
        body = body.replace(placeholder.encode(), live.encode())
        body = body.replace(quote(placeholder, safe="").encode(), quote(live, safe="").encode())
    return body


def _send(stack: SandboxStack, case: Malformed) -> tuple[int, str]:
    """POST ``case`` to the bot over a fresh connection: (status, start of the answer)."""

    def issue() -> tuple[str, str]:
        key = stack.workspace.issue_response_url(CHANNEL, USER)
        return f"{stack.emulator.root_url}response/{key}", stack.slack.new_trigger_id(USER)

    body = _fresh(case.body, issue)
    host, port = stack.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        connection.putrequest("POST", "/slack/events")
        if case.content_type is not None:
            connection.putheader("Content-Type", case.content_type)
        declared = case.declared_length if case.declared_length is not None else len(body)
        connection.putheader("Content-Length", str(declared))
        signed = body.decode(errors="replace")
        if case.signing == "valid":
            stamp = str(int(time.time()))
            connection.putheader("X-Slack-Request-Timestamp", stamp)
            connection.putheader("X-Slack-Signature", stack.slack.sign(stamp, signed))
        elif case.signing not in ("none", "custom"):
            connection.putheader("X-Slack-Request-Timestamp", case.signing)
            connection.putheader("X-Slack-Signature", stack.slack.sign(case.signing, signed))
        for name, value in case.headers:
            connection.putheader(name, value)
        connection.endheaders()
        if case.declared_length is None and body:
            connection.send(body)
        response = connection.getresponse()
        return response.status, response.read(300).decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return 0, f"no answer: {error!r}"
    finally:
        connection.close()


def _send_all(stack: SandboxStack, cases: list[Malformed]) -> list[str]:
    """Send every case (a few at a time, as Slack would); one line per 5xx or non-answer."""
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "corpus names must be unique"
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda case: _send(stack, case), cases))
    stack.settle()
    return [
        f"  {status or 'no answer'} <- {case.name}: {answer[:100]!r}"
        for case, (status, answer) in zip(cases, answers, strict=True)
        if not 200 <= status < 500
    ]


def _counts(stack: SandboxStack) -> dict[str, int]:
    with stack.db.transaction() as session:
        return {
            "grievance": session.scalar(select(func.count()).select_from(Grievance)) or 0,
            "client_case": session.scalar(select(func.count()).select_from(Case)) or 0,
        }


def _assert_still_serves_help(stack: SandboxStack) -> None:
    answer = stack.slack.slash_command(USER, CHANNEL, "help")
    assert answer.status == 200
    assert "/grievance history" in json.dumps((answer.json or {}).get("blocks"))
