"""The emulator's HTTP server: Web API calls, upload URLs and response_urls.

It checks the token, applies injected faults, delays and Slack's posting pace, hands the
call to its method and logs it; uploads and response_url POSTs go to the workspace.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from bot.sandbox.webapi.args import Args
from bot.sandbox.webapi.methods import METHODS
from bot.sandbox.webapi.openid import OpenIdProvider, basic_credentials
from bot.sandbox.workspace import JSON, ApiCall, SlackError, Workspace


class EmulatorServer:
    """The API server; it binds at construction so its URLs are known before `start()`."""

    def __init__(self, workspace: Workspace, host: str = "127.0.0.1", port: int = 0) -> None:
        self.workspace = workspace
        #: Sign in with Slack: the app's client id and secret, codes and user tokens.
        self.openid = OpenIdProvider(workspace)
        self._httpd = _HTTPServer((host, port), _RequestHandler)
        self._httpd.emulator = self
        self._thread: threading.Thread | None = None

    @property
    def root_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def base_url(self) -> str:
        """What `slack_sdk.WebClient(base_url=...)` takes."""
        return f"{self.root_url}api/"

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # so stop() returns quickly
            name="slack-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def call(
        self, method: str, params: JSON, token: str | None
    ) -> tuple[int, dict[str, str], JSON]:
        """Answer one API call: (HTTP status, extra headers, JSON body); logged in `calls`."""
        ws = self.workspace
        status, headers, delay = 200, {}, 0.0
        handler = METHODS.get(method)
        fault = ws.take_fault(method) if handler and token == ws.bot_token else None
        if handler is None:
            answer: JSON = {"ok": False, "error": "unknown_method"}
        elif not token:
            answer = {"ok": False, "error": "not_authed"}
        elif token != ws.bot_token:
            answer = {"ok": False, "error": "invalid_auth"}
        elif fault is not None:
            status, answer = fault.status, {"ok": False, "error": fault.error}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
        elif method == "chat.postMessage" and (
            wait := ws.pace_post(str(params.get("channel", "")))
        ):
            status, answer = 429, {"ok": False, "error": "ratelimited"}
            headers["Retry-After"] = str(wait)
        else:
            try:
                with ws.lock:
                    answer = {"ok": True, **handler(ws, Args(params, self.root_url))}
            except SlackError as error:
                answer = {"ok": False, "error": error.code, **error.extra}
            delay = ws.take_delay(method)
        if answer["ok"]:
            headers["x-oauth-scopes"] = ",".join(ws.granted_scopes)
        with ws.lock:
            ws.calls.append(ApiCall(method, params, answer["ok"], answer.get("error")))
        if delay:
            time.sleep(delay)  # done, but answered late: the caller may have given up
        return status, headers, answer


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    emulator: EmulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A caller that stopped waiting (its timeout, under ``inject_delay``) is no
        fault of the emulator's; anything else is reported as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    """Routes `/api/<method>`, `/upload/<file_id>` and `/response/<key>`."""

    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the activity log and `calls` say what happened."""

    def do_GET(self) -> None:
        self._route(b"")

    def do_POST(self) -> None:
        self._route(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _route(self, body: bytes) -> None:
        url = urlsplit(self.path)
        section, _, rest = url.path.lstrip("/").partition("/")
        emulator = self.server.emulator
        if url.path == "/openid/connect/authorize" and self.command == "GET":
            status, headers, page = emulator.openid.authorize(
                url.query, self.headers.get("Cookie", "")
            )
            self._send(status, page, headers)
        elif section == "api" and rest.startswith("openid.connect."):
            self._openid(rest, url.query, body)
        elif section == "api":
            try:
                params = self._params(url.query, body)
            except (ValueError, TypeError):  # not JSON, or JSON that is not an object
                self._send(200, {"ok": False, "error": "invalid_json"})
                return
            token = params.pop("token", None)
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Bearer "):
                token = auth.removeprefix("Bearer ").strip()
            status, headers, answer = emulator.call(rest, params, token)
            self._send(status, answer, headers)
        elif section == "upload" and self.command == "POST":
            if emulator.workspace.store_upload(rest, body):
                self._send(200, f"OK - {len(body)}")
            else:
                self._send(404, "Not Found")
        elif section == "response" and self.command == "POST":
            self._send(*_respond(emulator.workspace, rest, body))
        else:
            self._send(404, "Not Found")

    def _openid(self, method: str, query: str, body: bytes) -> None:
        """Sign in with Slack's methods: authenticated by the app's client credentials or
        a user token, never the bot token."""
        openid = self.server.emulator.openid
        try:
            params = self._params(query, body)
        except (ValueError, TypeError):
            self._send(200, {"ok": False, "error": "invalid_json"})
            return
        auth = self.headers.get("Authorization", "")
        try:
            if method == "openid.connect.token":
                answer: JSON = openid.token(params, basic_credentials(auth))
            elif method == "openid.connect.userInfo":
                bearer = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
                answer = openid.user_info(bearer or params.get("token"))
            else:
                raise SlackError("unknown_method")
        except SlackError as error:
            self._send(200, {"ok": False, "error": error.code})
            return
        self._send(200, {"ok": True, **answer})

    def _params(self, query: str, body: bytes) -> JSON:
        params: JSON = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        kind = self.headers.get_content_type()
        if body and kind == "application/json":
            params.update(json.loads(body))
        elif body and kind == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode(), keep_blank_values=True)
            params.update({k: v[0] for k, v in form.items()})
        return params

    def _send(self, status: int, answer: JSON | str, headers: dict[str, str] | None = None) -> None:
        is_json = isinstance(answer, dict)
        data = (json.dumps(answer) if is_json else str(answer)).encode()
        # a caller that gave up waiting (a delay fault) has gone: the answer goes nowhere
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            kind = "application/json; charset=utf-8" if is_json else "text/plain; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)


def _respond(ws: Workspace, key: str, body: bytes) -> tuple[int, JSON]:
    """A POST to a response_url: an ephemeral, a channel message, a replacement or a delete."""
    try:
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError(payload)
    except ValueError:
        return 400, {"ok": False, "error": "invalid_payload"}
    try:
        ws.respond(ws.use_response_url(key), payload)
    except SlackError as error:
        return (404 if error.code == "expired_url" else 400), {
            "ok": False,
            "error": error.code,
            **error.extra,
        }
    return 200, {"ok": True}
