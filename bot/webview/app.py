"""The pages' WSGI application: routing, sign-in, and safe answers.

Every answer carries the same headers: a strict Content-Security-Policy (no script at
all, styles only from our own stylesheet, no framing, forms only to ourselves),
``X-Frame-Options``, ``nosniff``, no referrer (share links carry their token in the path)
and ``no-store`` (pages hold people's words). A path or id that does not parse, or a case
the reader may not see, is answered 404 with one page, so nobody learns which cases
exist; only a bug is a 500, and it says no more than its log id.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from slack_sdk import WebClient

from bot.export import CaseRecord
from bot.flows import web as flows
from bot.playbook import shares, targets
from bot.playbook.errors import PlaybookError
from bot.settings import Settings
from bot.webview import figures, svg
from bot.webview.session import Session, Sessions
from bot.webview.signin import Attempt, SignInError, authorize_url, finish
from bot.webview.throttle import Throttle
from storage.clock import utcnow
from storage.engine import Database

logger = logging.getLogger("grievance_bot.web")

StartResponse = Callable[..., Any]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)
CALLBACK_PATH = "/signin/callback"
#: Form bodies are a token and a choice or two.
MAX_FORM_BYTES = 10_000
#: An id as the pages print it: a positive number of at most nine digits.
_ID = re.compile(r"[1-9][0-9]{0,8}")
_STATIC = {"web.css": "text/css; charset=utf-8"}


def number(text: str | None) -> int | None:
    """``text`` as a page's id or page number; None for anything else (answered 404)."""
    return int(text) if text is not None and _ID.fullmatch(text) else None


@dataclass
class Request:
    """What a page needs of one WSGI request."""

    environ: dict[str, Any]
    path: str
    method: str
    query: dict[str, str]
    session: Session | None = None
    cookies: list[str] = field(default_factory=list)

    @property
    def address(self) -> str:
        return str(self.environ.get("REMOTE_ADDR") or "unknown")

    def form(self) -> dict[str, str]:
        """The posted form (first value of each field), at most ``MAX_FORM_BYTES``."""
        try:
            length = int(self.environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return {}
        if length <= 0 or length > MAX_FORM_BYTES:
            return {}
        raw = self.environ["wsgi.input"].read(length).decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(raw).items()}


@dataclass(frozen=True)
class Answer:
    """A page or a redirect, before the common headers are added."""

    status: str
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class WebView:
    """Sign-in, the case list, the case page and a grievance's page."""

    def __init__(self, settings: Settings, db: Database, *, slack: WebClient) -> None:
        self._settings = settings
        self._db = db
        self._slack = slack
        secret = settings.slack_signing_secret
        self._sessions = (
            Sessions(
                secret.get_secret_value(),
                secure=(settings.public_url or "").startswith("https://"),
            )
            if secret is not None
            else None
        )
        self._throttle = Throttle()
        self._templates = Environment(
            loader=PackageLoader("bot.webview", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
        )
        self._templates.filters["in_hours"] = targets.in_hours

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        request = Request(environ, path, environ.get("REQUEST_METHOD", "GET"), query)
        if self._sessions is not None:
            request.session = self._sessions.current(environ.get("HTTP_COOKIE", ""), now=utcnow())
        try:
            answer = self._route(request)
        except Exception:
            error_id = secrets.token_hex(4)
            logger.exception("page failed", extra={"error_id": error_id, "path": path})
            answer = self._page(
                "500 Internal Server Error",
                "message.html.j2",
                request,
                title="Something went wrong",
                text=f"This page could not be shown. If it keeps happening, quote {error_id}.",
            )
        headers = [
            ("Content-Type", answer.content_type),
            ("Content-Length", str(len(answer.body))),
            *SECURITY_HEADERS,
            *answer.headers,
            *(("Set-Cookie", cookie) for cookie in request.cookies),
        ]
        start_response(answer.status, headers)
        return [b"" if request.method == "HEAD" else answer.body]

    # ---- routing ---------------------------------------------------------------------

    def _route(self, request: Request) -> Answer:
        parts = request.path.strip("/").split("/") if request.path != "/" else []
        if request.method == "POST":
            return self._post(request, parts)
        if request.method not in {"GET", "HEAD"}:
            return Answer("405 Method Not Allowed", b"", "text/plain", (("Allow", "GET, POST"),))
        match parts:
            case []:
                return _redirect("/cases")
            case ["static", name] if name in _STATIC:
                return self._static(name)
            case ["signin"]:
                return self._signin(request)
            case ["signin", "callback"]:
                return self._callback(request)
            case ["cases"]:
                return self._cases(request)
            case ["cases", case_id]:
                return self._case(request, number(case_id))
            case ["cases", case_id, "grievances", grievance]:
                return self._grievance(request, number(case_id), number(grievance))
            case ["share", token]:
                return self._shared(request, token, None)
            case ["share", token, "grievances", grievance]:
                return self._shared(request, token, grievance)
        return self._not_found(request)

    def _post(self, request: Request, parts: list[str]) -> Answer:
        form = request.form()
        if request.session is None or self._sessions is None:
            return self._not_found(request)
        if not self._sessions.csrf_ok(request.session, form.get("csrf")):
            return self._page(
                "403 Forbidden",
                "message.html.j2",
                request,
                title="This form has expired",
                text="Nothing was changed. Go back, reload the page and try again.",
            )
        reader = request.session.reader
        match parts:
            case ["signout"]:
                request.cookies.append(self._sessions.end())
                return _redirect("/")
            case ["cases", case_id, "shares"]:
                return self._share(request, reader, number(case_id))
            case ["cases", case_id, "shares", link_id, "revoke"]:
                return self._revoke(request, reader, number(case_id), number(link_id))
        return self._not_found(request)

    def _share(self, request: Request, reader: flows.Reader, case_id: int | None) -> Answer:
        """Make a share link and show it, this once."""
        if case_id is None:
            return self._not_found(request)
        try:
            token = flows.create_share(self._db, reader, case_id, now=utcnow())
        except PlaybookError as exc:
            return self._page(
                "403 Forbidden",
                "message.html.j2",
                request,
                title="Not yours to share",
                text=str(exc),
            )
        if token is None:
            return self._not_found(request)
        return self._page(
            "201 Created",
            "shared.html.j2",
            request,
            case_id=case_id,
            url=f"{self._base_url(request)}/share/{token}",
            days=shares.LIFETIME.days,
        )

    def _revoke(
        self, request: Request, reader: flows.Reader, case_id: int | None, link_id: int | None
    ) -> Answer:
        """Revoke a link, back to the case page; a link that is not there, or not the
        reader's to revoke, reads as not found."""
        if case_id is None or link_id is None:
            return self._not_found(request)
        try:
            revoked = flows.revoke_share(self._db, reader, case_id, link_id, now=utcnow())
        except PlaybookError:
            revoked = False
        if not revoked:
            return self._not_found(request)
        return _redirect(f"/cases/{case_id}#sharing")

    # ---- sign-in ---------------------------------------------------------------------

    def _signin(self, request: Request) -> Answer:
        settings = self._settings
        if self._sessions is None or not settings.has_signin:
            return self._page(
                "503 Service Unavailable",
                "message.html.j2",
                request,
                title="Sign-in is not configured",
                text="This bot has no Slack client id and secret yet, so nobody can sign in "
                "here. Share links from a lead still work.",
            )
        if not self._throttle.allow(request.address):
            return self._too_many(request)
        attempt = Attempt.new()
        request.cookies.append(self._sessions.attempt_cookie(attempt, now=utcnow()))
        assert settings.slack_client_id is not None
        return _redirect(
            authorize_url(
                settings.slack_web_url,
                client_id=settings.slack_client_id,
                redirect_uri=self._callback_url(request),
                at=attempt,
            )
        )

    def _callback(self, request: Request) -> Answer:
        settings, sessions = self._settings, self._sessions
        if sessions is None or not settings.has_signin:
            return self._not_found(request)
        if not self._throttle.allow(request.address):
            return self._too_many(request)
        attempt = sessions.attempt(request.environ.get("HTTP_COOKIE", ""), now=utcnow())
        request.cookies.append(sessions.end_attempt())
        state, code = request.query.get("state", ""), request.query.get("code", "")
        if attempt is None or not secrets.compare_digest(state, attempt.state):
            return self._refused(request, "This sign-in was not started in this browser.")
        if not code:
            return self._refused(request, "Slack did not sign you in (you may have cancelled).")
        assert settings.slack_client_id is not None and settings.slack_client_secret is not None
        try:
            identity = finish(
                self._slack,
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret.get_secret_value(),
                code=code,
                redirect_uri=self._callback_url(request),
                nonce=attempt.nonce,
                now=utcnow(),
            )
        except SignInError as exc:
            return self._refused(request, str(exc))
        request.cookies.append(sessions.start(identity, now=utcnow()))
        return _redirect("/cases")

    def _callback_url(self, request: Request) -> str:
        """Where Slack sends the browser back."""
        return self._base_url(request) + CALLBACK_PATH

    def _base_url(self, request: Request) -> str:
        """The public URL when one is set; else the address the browser used (local use)."""
        if self._settings.public_url is not None:
            return self._settings.public_url
        environ = request.environ
        return f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"

    def _refused(self, request: Request, why: str) -> Answer:
        return self._page(
            "400 Bad Request",
            "message.html.j2",
            request,
            title="Sign-in refused",
            text=why + " Please sign in again.",
            link=("/signin", "Sign in with Slack"),
        )

    def _too_many(self, request: Request) -> Answer:
        answer = self._page(
            "429 Too Many Requests",
            "message.html.j2",
            request,
            title="Too many sign-in attempts",
            text="Please wait a minute before trying again.",
        )
        return Answer(answer.status, answer.body, answer.content_type, (("Retry-After", "60"),))

    # ---- pages -----------------------------------------------------------------------

    def _cases(self, request: Request) -> Answer:
        if request.session is None:
            return _redirect("/signin")
        listing = flows.visible_cases(self._db, request.session.reader)
        sparklines = {
            c.case_id: svg.line_chart(
                title=f"Health of {c.client_name}",
                series={"Health": [(at, float(score)) for at, score in c.health]},
                low=0,
                high=100,
                ticks=(0, 50, 100),
            )
            for c in listing
            if c.health
        }
        return self._page("200 OK", "cases.html.j2", request, cases=listing, sparklines=sparklines)

    def _case(self, request: Request, case_id: int | None) -> Answer:
        if request.session is None:
            return _redirect("/signin")
        page_number = number(request.query.get("page", "1"))
        found = (
            flows.case_page(self._db, request.session.reader, case_id, now=utcnow())
            if case_id is not None and page_number is not None
            else None
        )
        if found is None or page_number is None:
            return self._not_found(request)
        return self._page(
            "200 OK",
            "case.html.j2",
            request,
            base=f"/cases/{found.record.id}",
            may_share=found.may_share,
            shares=found.shares,
            share_days=shares.LIFETIME.days,
            **case_context(found.record, page_number),
        )

    def _grievance(
        self, request: Request, case_id: int | None, grievance_number: int | None
    ) -> Answer:
        if request.session is None:
            return _redirect("/signin")
        found = (
            flows.case_page(self._db, request.session.reader, case_id, now=utcnow())
            if case_id is not None
            else None
        )
        if found is None:
            return self._not_found(request)
        return self._grievance_of(request, found.record, grievance_number, f"/cases/{case_id}")

    def _grievance_of(
        self, request: Request, record: CaseRecord, wanted: int | None, base: str, **extra: Any
    ) -> Answer:
        """Grievance ``wanted`` of ``record`` with its thread, or 404 when the reader's
        view of the case does not hold it."""
        grievance = next((g for g in record.grievances if g.number == wanted), None)
        if grievance is None:
            return self._not_found(request)
        return self._page(
            "200 OK",
            "grievance.html.j2",
            request,
            base=base,
            case=record,
            grievance=grievance,
            **extra,
        )

    def _shared(self, request: Request, token: str, grievance_id: str | None) -> Answer:
        """What a share link opens: read only, no sign-in, the client-facing view."""
        found = flows.shared_case(self._db, token, now=utcnow())
        if found.state in {shares.LinkState.EXPIRED, shares.LinkState.REVOKED}:
            return self._page(
                "410 Gone",
                "message.html.j2",
                request,
                title="This link no longer works",
                text=f"It has been {found.state.value}. Ask the case's lead for a new one.",
            )
        record = found.record
        if record is None:
            return self._not_found(request)
        base = f"/share/{token}"
        if grievance_id is not None:
            return self._grievance_of(request, record, number(grievance_id), base, shared=True)
        page_number = number(request.query.get("page", "1"))
        if page_number is None:
            return self._not_found(request)
        return self._page(
            "200 OK",
            "case.html.j2",
            request,
            base=base,
            shared=True,
            **case_context(record, page_number),
        )

    def _static(self, name: str) -> Answer:
        data = resources.files("bot.webview").joinpath("static", name).read_bytes()
        return Answer("200 OK", data, _STATIC[name], (("Cache-Control", "max-age=3600"),))

    def _not_found(self, request: Request) -> Answer:
        return self._page(
            "404 Not Found",
            "message.html.j2",
            request,
            title="Not found",
            text="There is nothing here that you can see. Check the address, or sign in "
            "as someone who takes part in this case.",
        )

    def _page(self, status: str, template: str, request: Request, **context: Any) -> Answer:
        session = request.session
        csrf = self._sessions.csrf_token(session) if session and self._sessions else None
        body = self._templates.get_template(template).render(
            {
                "session": session,
                "csrf": csrf,
                "link": None,
                "shared": False,
                "may_share": False,
                **context,
            }
        )
        return Answer(status, body.encode())


def case_context(record: CaseRecord, page_number: int) -> dict[str, Any]:
    """Everything the case page shows of ``record``, with page ``page_number`` of its
    timeline (shared by the signed-in page and a share link's)."""
    confidence = figures.confidence(record)
    return {
        "case": record,
        "categories": figures.by_category(record.grievances),
        "severities": figures.SEVERITIES,
        "cares": figures.cares_about(record.grievances),
        "targets": figures.response_targets(record),
        "checkins": figures.checkin_results(record),
        "timeline": figures.timeline_page(record.timeline, page_number),
        "health_chart": svg.line_chart(
            title="Health over time (0–100)",
            series={"Health": figures.health(record)},
            low=0,
            high=100,
            ticks=(0, 25, 50, 75, 100),
        ),
        "confidence_chart": svg.line_chart(
            title="Confidence per side over time (check-in ratings 1–5)",
            series={f"{side.title()} side": points for side, points in confidence.items()},
            low=1,
            high=5,
            ticks=(1, 2, 3, 4, 5),
        )
        if confidence
        else Markup(""),
    }


def _redirect(location: str) -> Answer:
    return Answer("303 See Other", b"", "text/plain; charset=utf-8", (("Location", location),))


def build_web_view(settings: Settings, db: Database) -> WebView:
    """The pages, with a Web API client for Sign in with Slack (it needs no token)."""
    return WebView(settings, db, slack=WebClient(base_url=settings.slack_api_url, timeout=10))
