"""The pages hold up like a web app: strict headers on every answer, 404 (never 500)
for paths and ids that do not parse, a limit on sign-in attempts, no secret in a page."""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.sandbox.stack import SandboxStack
from bot.settings import Settings
from bot.webview.app import CSP, build_web_view
from storage.engine import Database
from tests.web.browser import Browser, signed_in
from tests.web.case_seed import seed

FUZZ = (
    "/cases/abc",
    "/cases/999999",
    "/cases/%00",
    "/cases/0",
    "/cases/-1",
    "/cases/1.0",
    "/cases/1e3",
    "/cases/" + "9" * 5000,
    "/cases/1/grievances/abc",
    "/cases/1/grievances/" + "1" * 400,
    "/cases/1/grievances/%ff%fe",
    "/cases/1?page=0",
    "/cases/1?page=abc",
    "/cases/1?page=99999999999",
    "/cases/1/../../etc/passwd",
    "/static/../settings.py",
    "/static/nothing.css",
    "/%2e%2e/%2e%2e/",
    "/wp-admin",
)


def test_every_page_answer_carries_the_security_headers(stack: SandboxStack) -> None:
    seed(stack)
    browser = signed_in(stack, "UANA")
    for path in ("/cases", "/cases/1", "/cases/1/grievances/2", "/nowhere", "/static/web.css"):
        page = browser.get(stack.url + path)
        assert page.header("Content-Security-Policy") == CSP, path
        assert "default-src 'none'" in CSP and "frame-ancestors 'none'" in CSP
        assert page.header("X-Frame-Options") == "DENY", path
        assert page.header("X-Content-Type-Options") == "nosniff", path
        assert page.header("Referrer-Policy") == "no-referrer", path
    assert browser.get(stack.url + "/static/web.css").header("Content-Type").startswith("text/css")


def test_pages_use_no_inline_script_or_style(stack: SandboxStack) -> None:
    """The policy forbids them, so a page that used one would break in a browser."""
    seed(stack)
    page = signed_in(stack, "UANA").get(stack.url + "/cases/1").text
    assert "<script" not in page and "style=" not in page and "<style" not in page


@pytest.mark.parametrize("path", FUZZ)
def test_bad_paths_and_ids_are_404_never_500(stack: SandboxStack, path: str) -> None:
    browser = signed_in(stack, "UANA")
    page = browser.get(stack.url + path)
    assert page.status == 404, (path, page.status)
    assert "Not found" in page.text


def test_sign_in_attempts_are_limited_per_address(stack: SandboxStack) -> None:
    browser = Browser()
    statuses = [browser.get(stack.url + "/signin").status for _ in range(12)]
    assert statuses[:10] == [303] * 10
    assert statuses[10:] == [429, 429]
    refused = browser.get(stack.url + "/signin")
    assert "Too many sign-in attempts" in refused.text and refused.header("Retry-After") == "60"


def test_no_secret_reaches_a_page(stack: SandboxStack) -> None:
    seed(stack)
    browser = signed_in(stack, "UANA")
    pages = [browser.get(stack.url + p) for p in ("/cases", "/cases/1", "/cases/1/grievances/2")]
    pages.append(browser.get(stack.url + "/signin"))
    settings = stack.settings
    secrets = [s for s in settings.secrets() if s]
    assert len(secrets) >= 3  # bot token, signing secret, client secret
    for page in pages:
        text = page.text + "".join(f"{k}: {v}" for k, v in page.headers.items())
        for secret in secrets:
            assert secret not in text, page.url


def _call(app: Any, path: str) -> tuple[str, dict[str, str], str]:
    answered: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answered["status"], answered["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
    }
    body = b"".join(app(environ, start_response)).decode()
    return answered["status"], answered["headers"], body


def test_without_client_credentials_the_pages_say_sign_in_is_off(db: Database) -> None:
    settings = Settings(_env_file=None, database_url="sqlite://", slack_signing_secret="x" * 32)
    status, headers, body = _call(build_web_view(settings, db), "/signin")
    assert status.startswith("503")
    assert "Sign-in is not configured" in body
    assert headers["X-Frame-Options"] == "DENY"
