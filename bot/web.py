"""The HTTP face of the bot: one WSGI application for Slack and for health checks.

``/slack/events`` takes slash commands, events and interactions (the manifest points all
three there) and hands them to Bolt's WSGI adapter; ``/healthz`` tells a load balancer
whether the database answers. Bodies over 1 MB are refused before anything parses them,
and every request leaves one structured log line.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import request_log
from storage.engine import Database

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000

logger = logging.getLogger("grievance_bot.http")

StartResponse = Callable[..., Any]


def _reply(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


class SlackWsgiApp:
    """Route ``/slack/events`` to Bolt and ``/healthz`` to the database check."""

    def __init__(self, app: App, db: Database) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._db = db

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
            if self._db.is_reachable():
                return _reply(start_response, "200 OK", {"status": "ok"})
            return _reply(start_response, "503 Service Unavailable", {"status": "database down"})
        if path != EVENTS_PATH:
            return _reply(start_response, "404 Not Found", {"error": "not found"})
        if method != "POST":
            return _reply(start_response, "405 Method Not Allowed", {"error": "POST only"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reply(start_response, "400 Bad Request", {"error": "bad content length"})
        if length > MAX_BODY_BYTES:
            return _reply(start_response, "413 Content Too Large", {"error": "body over 1 MB"})
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
