"""The browser's session: who signed in, and the sign-in it started.

Both live in signed cookies (``bot.webview.signed``), so no session table is needed and
any instance behind a load balancer reads them. The session cookie is HttpOnly (no
script reads it), SameSite=Lax (another site's form posts arrive without it) and Secure
when the pages are served over https. Forms carry a CSRF token bound to the session's
own random id as well, so a cross-site post is refused even where SameSite is not kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import CookieError, SimpleCookie

from bot.flows.web import Reader
from bot.webview import signed
from bot.webview.signin import Attempt, Identity

SESSION_COOKIE = "gb_session"
SIGNIN_COOKIE = "gb_signin"
SESSION_LIFETIME = timedelta(hours=12)
#: Time to get through Slack's sign-in page and back.
SIGNIN_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in person: who they are, and the id their forms' CSRF tokens are bound to."""

    reader: Reader
    name: str
    sid: str


class Sessions:
    """Reads and writes the session and sign-in cookies with one derived key."""

    def __init__(self, secret: str, *, secure: bool) -> None:
        self._key = signed.derive_key(secret, "session")
        self._secure = secure

    def current(self, cookie_header: str, *, now: datetime) -> Session | None:
        """The session the browser holds, if it is intact and not expired."""
        payload = signed.unsign(self._key, _cookie(cookie_header, SESSION_COOKIE), now=now)
        if payload is None:
            return None
        user, team, name, sid = (payload.get(k) for k in ("u", "t", "n", "s"))
        if not all(isinstance(v, str) for v in (user, team, name, sid)):
            return None
        return Session(Reader(user_id=user, team_id=team), name=name, sid=sid)  # type: ignore[arg-type]

    def start(self, identity: Identity, *, now: datetime) -> str:
        """The ``Set-Cookie`` value of a new session for ``identity``."""
        value = signed.sign(
            self._key,
            {"u": identity.user_id, "t": identity.team_id, "n": identity.name, "s": _sid()},
            expires=now + SESSION_LIFETIME,
        )
        return self._cookie(SESSION_COOKIE, value, SESSION_LIFETIME)

    def end(self) -> str:
        """The ``Set-Cookie`` value that removes the session."""
        return self._cookie(SESSION_COOKIE, "", timedelta(0))

    def attempt_cookie(self, attempt: Attempt, *, now: datetime) -> str:
        """The ``Set-Cookie`` value that keeps a sign-in's state and nonce until it returns."""
        value = signed.sign(
            self._key,
            {"state": attempt.state, "nonce": attempt.nonce},
            expires=now + SIGNIN_LIFETIME,
        )
        return self._cookie(SIGNIN_COOKIE, value, SIGNIN_LIFETIME)

    def attempt(self, cookie_header: str, *, now: datetime) -> Attempt | None:
        """The sign-in this browser started, if any (and not expired)."""
        payload = signed.unsign(self._key, _cookie(cookie_header, SIGNIN_COOKIE), now=now)
        if payload is None:
            return None
        state, nonce = payload.get("state"), payload.get("nonce")
        if not isinstance(state, str) or not isinstance(nonce, str):
            return None
        return Attempt(state=state, nonce=nonce)

    def end_attempt(self) -> str:
        """The ``Set-Cookie`` value that forgets a finished sign-in."""
        return self._cookie(SIGNIN_COOKIE, "", timedelta(0))

    def csrf_token(self, session: Session) -> str:
        """The token every form of this session carries."""
        return signed.digest(self._key, "csrf:" + session.sid)

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        """True when ``token`` is this session's."""
        return token is not None and secrets.compare_digest(token, self.csrf_token(session))

    def _cookie(self, name: str, value: str, lifetime: timedelta) -> str:
        flags = f"; Path=/; Max-Age={int(lifetime.total_seconds())}; HttpOnly; SameSite=Lax"
        return f"{name}={value}{flags}" + ("; Secure" if self._secure else "")


def _sid() -> str:
    return secrets.token_urlsafe(16)


def _cookie(header: str, name: str) -> str | None:
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None
