"""Seal the state a form carries, so what comes back is what the bot handed out.

A form's ``private_metadata`` travels through the person's Slack client and back; a
tampered or replayed payload could otherwise name another case's grievance or another
client's channel. Every view the bot opens, pushes or updates is sealed with an
HMAC-SHA256 over the person it was opened for and the metadata; a submission whose seal
does not match (edited, or submitted by someone else) is treated like a stale form.

The key is derived from the signing secret (never the secret itself, which appears in no
page or log); without one (Socket Mode), a random key lives as long as the process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

#: Separates the seal from the metadata it covers: ``<seal>.<metadata>``.
_SEPARATOR = "."
_KEY_PURPOSE = b"grievance-bot form state v1"


def _digest(key: bytes, user_id: str, metadata: str) -> str:
    mac = hmac.new(key, f"{user_id}\n{metadata}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


class FormSeal:
    """Seals and opens ``private_metadata`` for one person."""

    def __init__(self, signing_secret: str | None) -> None:
        secret = signing_secret.encode() if signing_secret else secrets.token_bytes(32)
        self._key = hmac.new(secret, _KEY_PURPOSE, hashlib.sha256).digest()

    def seal(self, metadata: str, user_id: str) -> str:
        """``metadata`` with a seal binding it to ``user_id`` ("" stays "": nothing to trust)."""
        if not metadata:
            return metadata
        return f"{_digest(self._key, user_id, metadata)}{_SEPARATOR}{metadata}"

    def open(self, sealed: object, user_id: str) -> str | None:
        """The metadata if ``sealed`` was sealed by this bot for ``user_id``, else None.

        An empty value opens as "" (a form that remembers nothing has nothing to forge).
        """
        if sealed in (None, ""):
            return ""
        if not isinstance(sealed, str):
            return None
        seal, found, metadata = sealed.partition(_SEPARATOR)
        if not found or not hmac.compare_digest(seal, _digest(self._key, user_id, metadata)):
            return None
        return metadata

    def seal_view(self, view: object, user_id: str) -> object:
        """A copy of a view (dict) with its ``private_metadata`` sealed; anything else as is."""
        if not isinstance(view, Mapping) or not isinstance(view.get("private_metadata"), str):
            return view
        sealed: dict[str, Any] = dict(view)
        sealed["private_metadata"] = self.seal(view["private_metadata"], user_id)
        return sealed
