"""Sign in with Slack: OpenID Connect's authorization code flow, through slack_sdk.

The browser goes to Slack's authorize page with a fresh ``state`` and ``nonce`` (both
kept in a signed cookie); Slack sends it back with a code; the code is exchanged
server-to-server (``openid.connect.token``) for an ID token naming the person and their
workspace. The state must match the cookie's (no one else's sign-in lands in this
browser) and the token's nonce too (no replayed token). The ID token comes straight from
Slack over the API's TLS connection, authenticated by the client secret, so its signature
need not be checked again (OpenID Connect Core 1.0, 3.1.3.7); its issuer, audience,
expiry and nonce are.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

#: Who issues Slack's ID tokens.
ISSUER = "https://slack.com"
SCOPES = "openid profile"
USER_CLAIM = "https://slack.com/user_id"
TEAM_CLAIM = "https://slack.com/team_id"


class SignInError(Exception):
    """Sign-in cannot finish; the message is shown to the person as is."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One sign-in under way: what Slack must send back."""

    state: str
    nonce: str

    @classmethod
    def new(cls) -> Attempt:
        return cls(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24))


@dataclass(frozen=True, slots=True)
class Identity:
    """Who signed in, as Slack vouches for them."""

    user_id: str
    team_id: str
    name: str


def authorize_url(slack_web_url: str, *, client_id: str, redirect_uri: str, at: Attempt) -> str:
    """Slack's page that asks the person to sign in and then sends them back."""
    query = urlencode(
        {
            "response_type": "code",
            "scope": SCOPES,
            "client_id": client_id,
            "state": at.state,
            "nonce": at.nonce,
            "redirect_uri": redirect_uri,
        }
    )
    return f"{slack_web_url}openid/connect/authorize?{query}"


def finish(
    client: WebClient,
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    nonce: str,
    now: datetime,
) -> Identity:
    """Exchange ``code`` for the person's identity, checking the ID token's claims."""
    try:
        answer = client.openid_connect_token(
            client_id=client_id, client_secret=client_secret, code=code, redirect_uri=redirect_uri
        )
    except (SlackApiError, SlackClientError) as exc:
        raise SignInError("Slack did not accept this sign-in; please start again.") from exc
    claims = _claims(str(answer.get("id_token") or ""))
    audience = claims.get("aud")
    if claims.get("iss") != ISSUER or client_id not in (
        audience if isinstance(audience, list) else [audience]
    ):
        raise SignInError("That sign-in was not meant for this app; please start again.")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now.timestamp():
        raise SignInError("That sign-in has expired; please start again.")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
        claims["nonce"], nonce
    ):
        raise SignInError("That sign-in does not match the one this browser started.")
    user_id, team_id = claims.get(USER_CLAIM), claims.get(TEAM_CLAIM)
    if not isinstance(user_id, str) or not isinstance(team_id, str):
        raise SignInError("Slack did not say who you are; please start again.")
    return Identity(user_id=user_id, team_id=team_id, name=str(claims.get("name") or user_id))


def _claims(id_token: str) -> dict[str, Any]:
    """The ID token's payload (its middle part)."""
    parts = id_token.split(".")
    if len(parts) != 3:
        raise SignInError("Slack's answer had no identity in it; please start again.")
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError as exc:
        raise SignInError("Slack's answer had no identity in it; please start again.") from exc
    if not isinstance(claims, dict):
        raise SignInError("Slack's answer had no identity in it; please start again.")
    return claims
