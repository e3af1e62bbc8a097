"""Signed values for cookies: a payload the browser keeps and cannot change.

HMAC-SHA256 over a JSON payload, with its expiry inside, using only the standard
library. The key is derived from the Slack signing secret with a purpose label, so a
cookie signature can never stand in for a Slack request signature or the other way
round, and an operator has no further secret to keep.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any


def derive_key(secret: str, purpose: str) -> bytes:
    """A key for one ``purpose`` only, from ``secret``."""
    return hmac.new(secret.encode(), b"grievance-bot web: " + purpose.encode(), "sha256").digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, payload: dict[str, Any], *, expires: datetime) -> str:
    """``payload`` with its expiry, as ``body.signature``."""
    body = _b64(json.dumps({**payload, "exp": int(expires.timestamp())}).encode())
    return body + "." + _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def unsign(key: bytes, value: str | None, *, now: datetime) -> dict[str, Any] | None:
    """The payload ``sign`` made, or None when it was changed, is malformed or expired."""
    if not value or value.count(".") != 1:
        return None
    body, signature = value.split(".")
    expected = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature):
        return None
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        return None
    return payload if payload["exp"] > now.timestamp() else None


def digest(key: bytes, text: str) -> str:
    """A short keyed digest of ``text`` (CSRF tokens)."""
    return _b64(hmac.new(key, text.encode(), hashlib.sha256).digest())
