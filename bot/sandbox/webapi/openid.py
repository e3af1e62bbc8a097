"""Sign in with Slack, played by the emulator: the authorize page and the two
``openid.connect.*`` methods, shaped as Slack answers them.

Which sandbox user the browser is signed in to Slack as comes from Slack's own session
cookie, ``d``, holding the user id here. The ID token is a compact JWT with Slack's
claims (``https://slack.com/user_id``, ``https://slack.com/team_id``, the ``nonce`` it
was asked to carry); it is signed with HS256 and the client secret, where Slack signs
with RS256 and its published keys: the bot reads it straight from the token endpoint, so
it never checks that signature in either case.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlencode

from bot.sandbox.workspace import JSON, SlackError, Workspace
from storage.clock import utcnow

ISSUER = "https://slack.com"
#: Slack's browser session cookie; the sandbox keeps a user id in it.
SESSION_COOKIE = "d"
TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class _Grant:
    user_id: str
    redirect_uri: str
    nonce: str | None


@dataclass
class OpenIdProvider:
    """The app's OAuth credentials, the codes handed out and the user tokens issued."""

    workspace: Workspace
    client_id: str = field(default_factory=lambda: f"{secrets.randbelow(10**10)}.sandbox")
    client_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def authorize(self, query: str, cookies: str) -> tuple[int, dict[str, str], str]:
        """``GET /openid/connect/authorize``: back to the app with a code, or a page why not."""
        params = {k: v[0] for k, v in parse_qs(query).items()}
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id:
            return 400, {}, "Invalid client_id parameter"
        scopes = params.get("scope", "").split()
        if params.get("response_type") != "code" or "openid" not in scopes or not redirect_uri:
            return 400, {}, "Invalid response_type, scope or redirect_uri"
        user_id = _cookie(cookies, SESSION_COOKIE)
        if user_id is None or user_id not in self.workspace.users:
            return 401, {}, "Sign in to the sandbox Slack first (cookie d=<user id>)."
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = _Grant(user_id, redirect_uri, params.get("nonce"))
        back = {"code": code} | ({"state": params["state"]} if "state" in params else {})
        separator = "&" if "?" in redirect_uri else "?"
        return 302, {"Location": redirect_uri + separator + urlencode(back)}, ""

    def token(self, params: JSON, basic: tuple[str, str] | None) -> JSON:
        """``openid.connect.token``: the code, once, for a user token and an ID token."""
        client_id, client_secret = basic or (
            str(params.get("client_id", "")),
            str(params.get("client_secret", "")),
        )
        if client_id != self.client_id:
            raise SlackError("invalid_client_id")
        if not hmac.compare_digest(client_secret, self.client_secret):
            raise SlackError("bad_client_secret")
        with self._lock:
            grant = self._codes.pop(str(params.get("code", "")), None)
        if grant is None:
            raise SlackError("invalid_code")
        if params.get("redirect_uri") != grant.redirect_uri:
            raise SlackError("bad_redirect_uri")
        access_token = "xoxp-" + secrets.token_hex(16)
        with self._lock:
            self._tokens[access_token] = grant.user_id
        claims = self._claims(grant.user_id) | ({"nonce": grant.nonce} if grant.nonce else {})
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "id_token": self._jwt(claims),
        }

    def user_info(self, token: str | None) -> JSON:
        """``openid.connect.userInfo``: who a user token belongs to."""
        if not token:
            raise SlackError("not_authed")
        with self._lock:
            user_id = self._tokens.get(token)
        if user_id is None:
            raise SlackError("invalid_auth")
        claims = self._claims(user_id)
        return {k: v for k, v in claims.items() if k not in {"iss", "aud", "exp", "iat"}}

    def _claims(self, user_id: str) -> JSON:
        user = self.workspace.users[user_id]
        team = self.workspace.team_of(user_id)
        now = utcnow()
        return {
            "iss": ISSUER,
            "sub": user_id,
            "aud": self.client_id,
            "exp": int((now + timedelta(seconds=TOKEN_SECONDS)).timestamp()),
            "iat": int(now.timestamp()),
            "auth_time": int(now.timestamp()),
            "https://slack.com/user_id": user_id,
            "https://slack.com/team_id": team.id,
            "https://slack.com/team_name": team.name,
            "https://slack.com/team_domain": team.domain,
            "name": user.real_name,
            "given_name": user.real_name.split()[0] if user.real_name else "",
            "locale": "en-US",
        }

    def _jwt(self, claims: JSON) -> str:
        header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
        body = _b64(json.dumps(claims).encode())
        signing_input = f"{header}.{body}".encode()
        signature = hmac.new(self.client_secret.encode(), signing_input, hashlib.sha256).digest()
        return f"{header}.{body}.{_b64(signature)}"


def basic_credentials(authorization: str) -> tuple[str, str] | None:
    """``(client id, secret)`` from an ``Authorization: Basic`` header, if it is one."""
    if not authorization.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ").strip()).decode()
    except ValueError:
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
