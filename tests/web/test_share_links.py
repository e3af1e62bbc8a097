"""A lead's share link: the client-facing view, read only and without sign-in, until it
expires or is revoked; only leads make or revoke one."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select

from bot.sandbox.stack import SandboxStack
from storage.models import ShareLink
from tests.web.browser import Browser, Page, signed_in
from tests.web.case_seed import CONFIDENTIAL, PUBLIC, REPLY, seed


def _csrf(page: Page) -> str:
    return page.text.split('name="csrf" value="')[1].split('"')[0]


def _make_link(stack: SandboxStack, browser: Browser, case_id: int = 1) -> str:
    case = browser.get(f"{stack.url}/cases/{case_id}")
    made = browser.request(
        "POST", f"{stack.url}/cases/{case_id}/shares", body=urlencode({"csrf": _csrf(case)})
    )
    assert made.status == 201, made.text
    return made.text.split('id="share-url" type="text" readonly value="')[1].split('"')[0]


def test_a_share_link_shows_the_client_facing_view_without_sign_in(stack: SandboxStack) -> None:
    seeded = seed(stack)
    link = _make_link(stack, signed_in(stack, "UANA"))
    path = urlsplit(link).path

    stranger = Browser()  # the client's leadership: no Slack, no session
    page = stranger.get(stack.url + path)
    assert page.status == 200
    assert PUBLIC in page.text
    assert CONFIDENTIAL not in page.text and "confidential" not in page.text
    assert "read-only view shared by the delivery team" in page.text
    assert "<form" not in page.text  # nothing to change from here
    thread = stranger.get(f"{stack.url}{path}/grievances/{seeded.public}")
    assert thread.status == 200 and REPLY in thread.text
    hidden = stranger.get(f"{stack.url}{path}/grievances/{seeded.confidential}")
    assert hidden.status == 404


def test_only_a_hash_of_the_token_is_stored(stack: SandboxStack) -> None:
    seed(stack)
    token = urlsplit(_make_link(stack, signed_in(stack, "UANA"))).path.rsplit("/", 1)[1]
    with stack.db.transaction() as session:
        stored = session.scalars(select(ShareLink.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]


def test_a_share_link_stops_working_after_seven_days(stack: SandboxStack) -> None:
    seed(stack)
    path = urlsplit(_make_link(stack, signed_in(stack, "UANA"))).path
    stack.advance(stack.clock() + timedelta(days=6, hours=23))
    assert Browser().get(stack.url + path).status == 200
    stack.advance(stack.clock() + timedelta(hours=2))
    gone = Browser().get(stack.url + path)
    assert gone.status == 410 and "This link no longer works" in gone.text
    assert "expired" in gone.text


def test_a_revoked_link_stops_working_at_once(stack: SandboxStack) -> None:
    seed(stack)
    ana = signed_in(stack, "UANA")
    path = urlsplit(_make_link(stack, ana)).path
    case = ana.get(stack.url + "/cases/1")
    assert "works until" in case.text
    revoke = case.text.split('action="/cases/1/shares/')[1].split('"')[0]
    done = ana.request(
        "POST", f"{stack.url}/cases/1/shares/{revoke}", body=urlencode({"csrf": _csrf(case)})
    )
    assert done.status == 303
    gone = Browser().get(stack.url + path)
    assert gone.status == 410 and "revoked" in gone.text
    assert "works until" not in ana.get(stack.url + "/cases/1").text


def test_a_made_up_token_is_404(stack: SandboxStack) -> None:
    seed(stack)
    for token in ("x" * 43, "abc", "%00", "A" * 5000):
        assert Browser().get(f"{stack.url}/share/{token}").status == 404


def test_only_a_lead_may_make_or_revoke_a_link(stack: SandboxStack) -> None:
    seed(stack)
    _make_link(stack, signed_in(stack, "UANA"))
    for user in ("UBEN", "UCARLA"):  # the delivery team, the client side
        browser = signed_in(stack, user)
        case = browser.get(stack.url + "/cases/1")
        assert "Make a share link" not in case.text
        refused = browser.request(
            "POST", f"{stack.url}/cases/1/shares", body=urlencode({"csrf": _csrf(case)})
        )
        assert refused.status == 403 and "Only a lead of this case can" in refused.text
        revoked = browser.request(
            "POST", f"{stack.url}/cases/1/shares/1/revoke", body=urlencode({"csrf": _csrf(case)})
        )
        assert revoked.status == 404
    with stack.db.transaction() as session:
        links = session.scalars(select(ShareLink)).all()
    assert len(links) == 1 and links[0].revoked_at is None


def test_making_a_link_needs_the_form_token(stack: SandboxStack) -> None:
    seed(stack)
    ana = signed_in(stack, "UANA")
    forged = ana.request("POST", f"{stack.url}/cases/1/shares", body="csrf=nope")
    assert forged.status == 403 and "This form has expired" in forged.text
    with stack.db.transaction() as session:
        assert session.scalars(select(ShareLink)).all() == []
