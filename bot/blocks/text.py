"""Make user text safe to echo in mrkdwn: it must never ping or break formatting."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BROADCAST = re.compile(
    r"(?i)<!(channel|here|everyone)(\|[^>]*)?>|(?<![\w.])@(channel|here|everyone)\b"
)
#: "@here" inside a word ("x@here", "@heresy") is no broadcast, but a cut can make it one
#: ("@here…", or a part of a split starting "@here "): it is defused too, keeping its case.
_EMBEDDED_BROADCAST = re.compile(r"(?i)@(?=channel|here|everyone)")
_PARTIAL_ENTITY = re.compile(r"&[a-z]*$")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|([^>]*))?>")


def plain_escape(text: str) -> str:
    """Escape ``& < >`` as Slack asks, drop control characters, defuse broadcasts.

    Mentions Slack escaped (``<@U1|ana>``, ``<#C1|general>``) are shown as plain names:
    echoing someone's grievance must not notify the people it names.
    """
    text = _CONTROL.sub("", text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _BROADCAST.sub(lambda m: "@\u200b" + (m.group(1) or m.group(3)).lower(), text)
    text = _EMBEDDED_BROADCAST.sub("@\u200b", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters with an ellipsis, on a word boundary if near."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def trim(escaped: str, limit: int) -> str:
    """Shorten already-escaped mrkdwn to ``limit`` without cutting an ``&…;`` entity."""
    if len(escaped) <= limit:
        return escaped
    if limit <= 0:
        return ""
    cut = _PARTIAL_ENTITY.sub("", shorten(escaped, limit).removesuffix("…"))
    return cut.rstrip() + "…"


def fit(text: str, limit: int) -> str:
    """Escape user text for mrkdwn, then shorten it to ``limit``.

    Escaping lengthens text (``&`` becomes ``&amp;``), so it must come before measuring.
    """
    return trim(plain_escape(text), limit)


#: How much of someone's own words is quoted back to them: with a sentence around it, it
#: fits the 3,000 characters of a Block Kit text object and any message's text.
QUOTE_LIMIT = 2500


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """User text quoted back in mrkdwn: escaped, every line behind ``>``, cut to ``limit``."""
    return trim("\n".join(">" + line for line in plain_escape(text).split("\n")), limit)


def split_escaped(text: str, size: int) -> list[str]:
    """Escape ``text`` and split it into parts of at most ``size``, never inside an entity.

    (A ``size`` under 5 cannot hold ``&amp;``: then entities are cut rather than looped on.)
    """
    if size < 1:
        raise ValueError(f"parts must hold at least one character, not {size}")
    escaped, parts = plain_escape(text), []
    while escaped:
        part = escaped[:size]
        partial = _PARTIAL_ENTITY.search(part) if len(escaped) > size else None
        if partial and partial.start() > 0:
            part = part[: partial.start()]
        parts.append(part)
        escaped = escaped[len(part) :]
    return parts or [""]
