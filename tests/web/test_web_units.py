"""The web view's pure parts: signed values, the session cookie's flags, the sign-in
limit, the charts and the case figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.sandbox.webapi.openid import OpenIdProvider
from bot.sandbox.workspace import SlackError, Workspace
from bot.settings import Settings
from bot.webview import signed, svg
from bot.webview.figures import PAGE_SIZE, timeline_page
from bot.webview.session import Sessions
from bot.webview.signin import Identity
from bot.webview.throttle import Throttle

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_signed_value_reads_back_until_it_expires_or_is_changed() -> None:
    key = signed.derive_key("s" * 32, "session")
    value = signed.sign(key, {"u": "UANA"}, expires=NOW + timedelta(minutes=5))
    assert signed.unsign(key, value, now=NOW)["u"] == "UANA"  # type: ignore[index]
    assert signed.unsign(key, value, now=NOW + timedelta(minutes=5)) is None
    body, mac = value.split(".")
    assert signed.unsign(key, body[:-2] + "xx." + mac, now=NOW) is None
    assert signed.unsign(signed.derive_key("s" * 32, "other"), value, now=NOW) is None
    for junk in ("", "a.b.c", "no-dot", "%%%.%%%"):
        assert signed.unsign(key, junk, now=NOW) is None


def test_the_session_cookie_is_secure_when_served_over_https() -> None:
    identity = Identity(user_id="UANA", team_id="T0SANDBOX", name="Ana")
    over_https = Sessions("s" * 32, secure=True).start(identity, now=NOW)
    assert "; Secure" in over_https and "HttpOnly" in over_https and "SameSite=Lax" in over_https
    assert "; Secure" not in Sessions("s" * 32, secure=False).start(identity, now=NOW)


def test_public_url_is_an_http_address_without_a_trailing_slash() -> None:
    settings = Settings(_env_file=None, public_url="https://bot.example.com/")
    assert settings.public_url == "https://bot.example.com"
    assert Settings(_env_file=None, public_url="").public_url is None


def test_the_sign_in_limit_frees_up_after_its_window() -> None:
    now = [0.0]
    throttle = Throttle(limit=2, window=60, clock=lambda: now[0])
    assert [throttle.allow("1.2.3.4") for _ in range(3)] == [True, True, False]
    assert throttle.allow("5.6.7.8")  # another address has its own count
    now[0] = 61
    assert throttle.allow("1.2.3.4")


def test_a_chart_is_an_accessible_svg_that_escapes_its_labels() -> None:
    drawn = str(
        svg.line_chart(
            title="Health <of> Acme",
            series={"A & B": [(NOW, 40.0), (NOW + timedelta(days=7), 70.0)]},
            low=0,
            high=100,
            ticks=(0, 50, 100),
        )
    )
    assert drawn.startswith("<svg") and 'role="img"' in drawn and "aria-labelledby" in drawn
    assert "Health &lt;of&gt; Acme" in drawn and "A &amp; B" in drawn
    assert "70 on 07 Dec 2026, from 40 on 30 Nov 2026" in drawn  # said in words too
    assert "style=" not in drawn
    assert "nothing measured yet" in str(
        svg.line_chart(title="Health", series={}, low=0, high=100, ticks=())
    )


def test_the_timeline_is_paged_newest_first() -> None:
    class Entry:
        def __init__(self, id: int) -> None:
            self.id = id

    entries = [Entry(i) for i in range(1, PAGE_SIZE + 6)]
    first = timeline_page(entries, 1)  # type: ignore[arg-type]
    assert first.entries[0].id == PAGE_SIZE + 5 and first.newer is None and first.older == 2
    second = timeline_page(entries, 2)  # type: ignore[arg-type]
    assert [e.id for e in second.entries] == [5, 4, 3, 2, 1] and second.older is None
    assert timeline_page(entries, 9).entries == ()  # type: ignore[arg-type]


def test_the_emulator_answers_user_info_for_a_user_token_only() -> None:
    provider = OpenIdProvider(Workspace.demo())
    status, headers, _ = provider.authorize(
        f"client_id={provider.client_id}&response_type=code&scope=openid&redirect_uri=http://x/cb",
        "d=UCARLA",
    )
    code = headers["Location"].split("code=")[1]
    answer = provider.token(
        {"code": code, "redirect_uri": "http://x/cb"}, (provider.client_id, provider.client_secret)
    )
    info = provider.user_info(str(answer["access_token"]))
    assert status == 302 and info["https://slack.com/user_id"] == "UCARLA"
    assert info["https://slack.com/team_id"] == "T0CLIENT"
    for bad in (None, "xoxp-unknown"):
        with pytest.raises(SlackError):
            provider.user_info(bad)
