"""Sign in with Slack and read the pages, end to end over HTTP against the emulator's
OpenID endpoints: who sees what, and sign-ins that must fail."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from bot.sandbox.stack import SandboxStack
from bot.sandbox.webapi.openid import SESSION_COOKIE
from tests.web.browser import Browser, signed_in
from tests.web.case_seed import CONFIDENTIAL, PUBLIC, REPLY, seed


def test_a_lead_signs_in_and_reads_the_whole_case(stack: SandboxStack) -> None:
    seeded = seed(stack)
    browser = signed_in(stack, "UANA")

    listing = browser.get(stack.url + "/cases")
    assert listing.status == 200
    assert f'href="/cases/{seeded.case_id}"' in listing.text
    assert "Health: " in listing.text and "/100" in listing.text
    assert 'role="img"' in listing.text  # the health sparkline, drawn as SVG

    case = browser.get(f"{stack.url}/cases/{seeded.case_id}")
    assert case.status == 200
    for heading in (
        "Summary",
        "Health and confidence",
        "Grievances by category and severity",
        "What the client cares about",
        "Recovery strategy",
        "Commitments",
        "Response targets",
        "Check-in results",
        "Timeline",
    ):
        assert heading in case.text
    assert PUBLIC in case.text
    assert CONFIDENTIAL in case.text  # a lead sees confidential grievances
    assert "Ana Lima" in case.text or "ana" in case.text

    thread = browser.get(f"{stack.url}/cases/{seeded.case_id}/grievances/{seeded.public}")
    assert thread.status == 200
    assert PUBLIC in thread.text and REPLY in thread.text


def test_the_client_side_never_sees_the_confidential_grievance(stack: SandboxStack) -> None:
    seeded = seed(stack)
    carla = signed_in(stack, "UCARLA")

    case = carla.get(f"{stack.url}/cases/{seeded.case_id}")
    assert case.status == 200
    assert PUBLIC in case.text
    assert CONFIDENTIAL not in case.text
    assert "confidential" not in case.text

    hidden = carla.get(f"{stack.url}/cases/{seeded.case_id}/grievances/{seeded.confidential}")
    missing = carla.get(f"{stack.url}/cases/{seeded.case_id}/grievances/999")
    assert hidden.status == missing.status == 404
    assert hidden.text == missing.text  # nothing tells that it exists

    lead = signed_in(stack, "UANA")
    shown = lead.get(f"{stack.url}/cases/{seeded.case_id}/grievances/{seeded.confidential}")
    assert shown.status == 200 and CONFIDENTIAL in shown.text


def test_a_case_one_takes_no_part_in_reads_as_missing(stack: SandboxStack) -> None:
    seeded = seed(stack)
    erin = signed_in(stack, "UERIN")  # another workspace of the organisation
    assert "You take part in no case yet" in erin.get(stack.url + "/cases").text
    hidden = erin.get(f"{stack.url}/cases/{seeded.case_id}")
    missing = erin.get(f"{stack.url}/cases/999999")
    assert hidden.status == missing.status == 404
    assert hidden.text == missing.text


def test_pages_ask_to_sign_in_first(stack: SandboxStack) -> None:
    seed(stack)
    page = Browser().get(stack.url + "/cases/1")
    assert page.status == 303 and page.header("Location") == "/signin"


def test_the_session_cookie_is_signed_httponly_and_lax(stack: SandboxStack) -> None:
    browser = Browser()
    browser.jar[urlsplit(stack.emulator.root_url).netloc] = {SESSION_COOKIE: "UANA"}
    start = browser.get(stack.url + "/signin")
    back = browser.get(start.header("Location"))
    done = browser.get(back.header("Location"))
    assert done.status == 303 and done.header("Location") == "/cases"
    (session,) = [c for c in done.cookies() if c.startswith("gb_session=")]
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "Secure" not in session  # served over plain http here
    host = urlsplit(stack.url).netloc
    value = browser.jar[host]["gb_session"]
    browser.jar[host]["gb_session"] = value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB")
    assert browser.get(stack.url + "/cases").status == 303  # a changed cookie is no session


def _start(stack: SandboxStack, browser: Browser) -> str:
    """Start a sign-in; Slack's authorize URL the bot sent the browser to."""
    browser.jar[urlsplit(stack.emulator.root_url).netloc] = {SESSION_COOKIE: "UANA"}
    start = browser.get(stack.url + "/signin")
    assert start.status == 303
    return start.header("Location")


def _with(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return parts._replace(query=urlencode(query)).geturl()


def test_a_tampered_state_is_refused(stack: SandboxStack) -> None:
    browser = Browser()
    back = browser.get(_start(stack, browser))
    refused = browser.get(_with(back.header("Location"), state="someone-elses"))
    assert refused.status == 400
    assert "Sign-in refused" in refused.text and "not started in this browser" in refused.text
    assert not [c for c in refused.cookies() if c.startswith("gb_session=") and "=;" not in c]
    assert browser.get(stack.url + "/cases").status == 303


def test_a_tampered_nonce_is_refused(stack: SandboxStack) -> None:
    browser = Browser()
    back = browser.get(_with(_start(stack, browser), nonce="replayed"))
    refused = browser.get(back.header("Location"))
    assert refused.status == 400
    assert "does not match the one this browser started" in refused.text
    assert browser.get(stack.url + "/cases").status == 303


def test_a_sign_in_from_another_browser_is_refused(stack: SandboxStack) -> None:
    """A code and state made for one browser, replayed in another (login CSRF)."""
    victim, attacker = Browser(), Browser()
    back = attacker.get(_start(stack, attacker))
    _start(stack, victim)
    refused = victim.get(back.header("Location"))
    assert refused.status == 400
    assert victim.get(stack.url + "/cases").status == 303


def test_signing_out_needs_the_form_token(stack: SandboxStack) -> None:
    browser = signed_in(stack, "UANA")
    forged = browser.request("POST", stack.url + "/signout", body="csrf=forged")
    assert forged.status == 403 and "This form has expired" in forged.text
    assert browser.get(stack.url + "/cases").status == 200  # still signed in
    page = browser.get(stack.url + "/cases").text
    token = page.split('name="csrf" value="')[1].split('"')[0]
    out = browser.request("POST", stack.url + "/signout", body=urlencode({"csrf": token}))
    assert out.status == 303
    assert browser.get(stack.url + "/cases").status == 303
