"""A small browser for the web view tests: real HTTP, a cookie jar per host, and
redirects followed one by one so each hop can be checked."""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from email.message import Message
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

from bot.sandbox.stack import SandboxStack
from bot.sandbox.webapi.openid import SESSION_COOKIE


@dataclass
class Page:
    """One HTTP answer."""

    status: int
    headers: Message
    text: str
    url: str

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class Browser:
    """Keeps cookies per host:port, as a browser would (flags are not enforced)."""

    jar: dict[str, dict[str, str]] = field(default_factory=dict)

    def request(
        self, method: str, url: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Page:
        parts = urlsplit(url)
        host = parts.netloc
        connection = http.client.HTTPConnection(host, timeout=10)
        sent = dict(headers or {})
        cookies = self.jar.get(host, {})
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target or "/", body=body, headers=sent)
        response = connection.getresponse()
        page = Page(response.status, response.msg, response.read().decode(), url)
        connection.close()
        for raw in page.cookies():
            cookie = SimpleCookie(raw)
            for name, morsel in cookie.items():
                if morsel.value:
                    self.jar.setdefault(host, {})[name] = morsel.value
                else:
                    self.jar.get(host, {}).pop(name, None)
        return page

    def get(self, url: str) -> Page:
        return self.request("GET", url)

    def follow(self, url: str, hops: int = 6) -> Page:
        """GET ``url`` and each redirect after it; the last answer."""
        page = self.get(url)
        while page.status in {301, 302, 303, 307} and hops:
            page = self.get(urljoin(url, page.header("Location")))
            url = page.url
            hops -= 1
        return page


def signed_in(stack: SandboxStack, user_id: str) -> Browser:
    """A browser signed in to the sandbox Slack as ``user_id``, then to the bot's pages
    through Sign in with Slack (the emulator's authorize page, code, token)."""
    browser = Browser()
    browser.jar[urlsplit(stack.emulator.root_url).netloc] = {SESSION_COOKIE: user_id}
    page = browser.follow(stack.url + "/signin")
    assert page.status == 200, page.text
    assert "Your cases" in page.text
    return browser
