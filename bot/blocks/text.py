"""Make user text safe to echo in mrkdwn: it must never ping or break formatting."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BROADCAST = re.compile(r"(?i)<!(channel|here|everyone)(\|[^>]*)?>|@(channel|here|everyone)\b")


def plain_escape(text: str) -> str:
    """Escape ``& < >`` as Slack asks, drop control characters, defuse broadcasts."""
    text = _CONTROL.sub("", text)
    text = _BROADCAST.sub(lambda m: "@\u200b" + (m.group(1) or m.group(3)).lower(), text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters with an ellipsis, on a word boundary if near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"
