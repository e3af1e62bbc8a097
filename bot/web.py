"""The HTTP face of the bot: one WSGI application for Slack, health checks and the pages.

``/slack/events`` takes slash commands, events and interactions (the manifest points all
three there) and hands them to Bolt's WSGI adapter; ``/healthz`` tells a load balancer
whether the database takes a write now (``503`` and the one-line reason while it does
not, ``200`` again as soon as it does: nothing needs restarting); every other path goes to
the web view (``bot.webview``), when one is mounted. Bodies over 1 MB are
refused before anything parses them, and every request leaves one structured log line.

Slack's requests are signed, not guaranteed well formed, and Bolt reads a payload's
envelope (its ``event``, ``user``, ``channel``, ``actions``, ``view``) without checking
types: a body that is not a JSON object, or an ``event`` that is a string, would raise
inside Bolt and become a 500. Such bodies are answered 400 here, before Bolt sees them.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body

from bot import request_log
from bot.webview.app import WebView
from storage.engine import Database

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000

logger = logging.getLogger("grievance_bot.http")

StartResponse = Callable[..., Any]

#: Envelope parts Bolt descends into, each an object whenever it is present.
_OBJECTS = ("event", "item", "message", "previous_message", "view", "container", "state")
#: References Slack sends as an id or as an object with an ``id``.
_REFERENCES = ("user", "channel", "team", "enterprise")
#: Ids, timestamps and names that Slack always sends as strings.
_STRINGS = (
    "type",
    "subtype",
    "token",
    "team_id",
    "user_id",
    "channel_id",
    "enterprise_id",
    "api_app_id",
    "event_id",
    "trigger_id",
    "response_url",
    "command",
    "ts",
    "thread_ts",
    "event_ts",
    "message_ts",
    "callback_id",
    "private_metadata",
    "action_id",
    "block_id",
    "value",
)


def _reply(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


class SlackWsgiApp:
    """Route ``/slack/events`` to Bolt, ``/healthz`` to the database check and the rest
    to the pages."""

    def __init__(self, app: App, db: Database, web: WebView | None = None) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._db = db
        self._web = web

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        facts = request_log.RequestFacts()
        token = request_log.current.set(facts)
        status_holder: list[str] = []

        def recording_start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            status_holder.append(status)
            return start_response(status, headers, *rest)

        try:
            return self._route(environ, recording_start)
        finally:
            request_log.current.reset(token)
            self._log(environ, facts, status_holder, started)

    def _route(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in {"GET", "HEAD"}:
            problem = self._db.write_problem()
            if problem is None:
                return _reply(start_response, "200 OK", {"status": "ok"})
            return _reply(start_response, "503 Service Unavailable", {"status": problem})
        if path != EVENTS_PATH:
            if self._web is not None:
                return self._web(environ, start_response)
            return _reply(start_response, "404 Not Found", {"error": "not found"})
        if method != "POST":
            return _reply(start_response, "405 Method Not Allowed", {"error": "POST only"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reply(start_response, "400 Bad Request", {"error": "bad content length"})
        if length > MAX_BODY_BYTES:
            return _reply(start_response, "413 Content Too Large", {"error": "body over 1 MB"})
        stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        if stamp is not None and not _is_integer(stamp):
            return _reply(start_response, "401 Unauthorized", {"error": "invalid request"})
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(raw), str(len(raw))
        problem = payload_problem(raw, environ.get("CONTENT_TYPE"))
        if problem is not None:
            return _reply(start_response, "400 Bad Request", {"error": problem})
        return self._slack(environ, start_response)

    @staticmethod
    def _log(
        environ: dict[str, Any],
        facts: request_log.RequestFacts,
        status: list[str],
        started: float,
    ) -> None:
        logger.info(
            "request",
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": int(status[0].split()[0]) if status else None,
                "type": facts.type,
                "team": facts.team,
                "channel": facts.channel,
                "duplicate": facts.duplicate or None,
                "retry": environ.get("HTTP_X_SLACK_RETRY_NUM"),
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )


def _is_integer(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def payload_problem(raw: bytes, content_type: str | None) -> str | None:
    """Why Bolt could not read this body safely, or None when its envelope is well formed.

    The body is parsed the way Bolt parses it (JSON, ``payload=`` JSON, or a form), and
    only the parts Bolt itself reads are checked: what listeners do with the rest is
    theirs to check.
    """
    try:
        body = parse_body(raw.decode("utf-8"), content_type)
    except UnicodeDecodeError:
        return "body is not UTF-8"
    except (ValueError, RecursionError):
        return "body is not valid JSON"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if "command" in body:
        loose = sorted(k for k, v in body.items() if not isinstance(v, str))
        return f"slash command fields must be strings: {', '.join(loose)}" if loose else None
    for key in ("event", "view"):  # Bolt looks inside these whenever they are present
        if key in body and not isinstance(body[key], dict):
            return f"/{key} must be an object"
    if "view" in body and not isinstance(body["view"].get("type"), str):
        return "/view/type must be a string"
    event = body.get("event")
    nodes: list[tuple[str, object]] = [("", body)]
    if isinstance(event, dict):
        nodes += [(f"/event/{key}", event.get(key)) for key in ("item", "message")]
        nodes += [("/event", event), ("/event/previous_message", event.get("previous_message"))]
        if not isinstance(event.get("type"), str):
            return "/event/type must be a string"
    nodes += [(f"/{key}", body.get(key)) for key in ("message", "container", "view")]
    for pointer, node in nodes:
        if isinstance(node, dict) and (problem := _node_problem(node, pointer)) is not None:
            return problem
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "/authorizations must be a list of objects"
    return _actions_problem(body)


def _node_problem(node: dict[str, Any], pointer: str) -> str | None:
    for key in _OBJECTS:
        if node.get(key) is not None and not isinstance(node[key], dict):
            return f"{pointer}/{key} must be an object"
    for key in _REFERENCES:
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("id")
        if value is not None and not isinstance(value, str):
            return f"{pointer}/{key} must be an id or an object with an id"
    for key in _STRINGS:
        if node.get(key) is not None and not isinstance(node[key], str):
            return f"{pointer}/{key} must be a string"
    return None


def _actions_problem(body: dict[str, Any]) -> str | None:
    if "actions" not in body and body.get("type") != "block_actions":
        return None
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        return "/actions must be a non-empty list"
    for i, action in enumerate(actions):
        if not isinstance(action, dict):
            return f"/actions/{i} must be an object"
        if body.get("type") == "block_actions" and not isinstance(action.get("action_id"), str):
            return f"/actions/{i}/action_id must be a string"
        if (problem := _node_problem(action, f"/actions/{i}")) is not None:
            return problem
    return None
