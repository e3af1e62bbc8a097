"""Strings taken from a payload, made safe and readable for a terminal.

Every other part of the renderer reads payloads through these accessors, so odd values
never raise and no string reaches the terminal with control characters or escape
sequences in it.  Slack's text formats become plain text here: mrkdwn (mentions, links,
escapes) and rich text (styles, lists, quotes, code).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

# ---------------------------------------------------------------------------
# Defensive accessors: payloads may be arbitrary junk, so every read goes through these.

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def _clean(text: str) -> str:
    """Drop terminal escapes and control characters (keeping newlines) from payload text."""
    text = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\t", "    ").replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs"))


def _s(value: object) -> str:
    """A cleaned string for a scalar payload value; ``""`` for anything else."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        try:
            return str(value)
        except ValueError:  # ints beyond Python's str() digit limit
            return ""
    return ""


def _one(text: str) -> str:
    """Collapse text onto one line, for labels and commands that must not wrap."""
    return " ".join(part.strip() for part in text.split("\n") if part.strip())


def _map(value: object) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def _seq(value: object) -> list[Any]:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return list(value)
    return []


def _name(names: object, key: str) -> str:
    """The display name for a user/channel/group id, without any leading sigil."""
    if not key or not isinstance(names, Mapping):
        return ""
    try:
        found = names.get(key)
    except TypeError:
        return ""
    return _s(found).lstrip("@#") if isinstance(found, str) else ""


def _width(text: str) -> int:
    """Terminal columns taken by text (wide East Asian characters count double)."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _hhmm(ts: object) -> str:
    """Slack ``ts`` (epoch seconds as a string) as HH:MM UTC, or ``""`` if unparseable."""
    try:
        seconds = float(_s(ts))
        return datetime.fromtimestamp(seconds, UTC).strftime("%H:%M")
    except (ValueError, OverflowError, OSError):
        return ""


def _date(ts: object) -> str:
    try:
        return datetime.fromtimestamp(float(_s(ts)), UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (ValueError, OverflowError, OSError):
        return ""


# ---------------------------------------------------------------------------
# mrkdwn

_TOKEN = re.compile(r"<([^<>]*)>")


def _unescape(text: str) -> str:
    # &amp; last, so an escaped "&amp;lt;" becomes the literal "&lt;" it stood for.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _token(body: str, names: Mapping[str, str]) -> str:
    target, _, label = body.partition("|")
    label = _unescape(label)
    if target.startswith("@"):
        ident = target[1:]
        return "@" + (_name(names, ident) or label.lstrip("@") or ident)
    if target.startswith("#"):
        ident = target[1:]
        return "#" + (_name(names, ident) or label.lstrip("#") or ident)
    if target.startswith("!"):
        head, _, rest = target[1:].partition("^")
        if head in ("here", "channel", "everyone"):
            return "@" + head
        if head == "subteam":
            ident = rest.partition("^")[0]
            return "@" + (_name(names, ident) or label.lstrip("@") or ident)
        if head == "date":
            return label or _date(rest.partition("^")[0]) or target
        return label or "@" + head
    if not target:
        return label
    url = _unescape(target)
    if not label or label == url or (url.startswith("mailto:") and url[7:] == label):
        return label or url
    return f"{label} ({url})"


def mrkdwn_to_text(text: str, names: Mapping[str, str]) -> str:
    """Render Slack mrkdwn as terminal text.

    Mentions become names a person recognises (``<@U123>`` → ``@ana``, ``<#C1|acme>`` →
    ``#acme``, ``<!here>`` → ``@here``, ``<!subteam^S1|@devs>`` → ``@devs``), links show
    both label and URL (``label (https://x)``) because the terminal cannot hide a URL
    behind text, and Slack's ``&lt; &gt; &amp;`` escapes are undone.  ``names`` maps user,
    channel and user-group ids to display names; unknown ids are shown as the id (or the
    label Slack sent along).  ``*bold*``, ``_italic_`` and ``:emoji:`` are left as typed:
    they read fine in a terminal.
    """
    raw = text if isinstance(text, str) else _s(text)
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(raw):
        out.append(_unescape(raw[pos : match.start()]))
        out.append(_token(match.group(1), names))
        pos = match.end()
    out.append(_unescape(raw[pos:]))
    return _clean("".join(out))


def _text(obj: object, names: Mapping[str, str]) -> str:
    """A Block Kit text object (or a bare string, treated as mrkdwn) as terminal text."""
    if isinstance(obj, str):
        return mrkdwn_to_text(obj, names)
    obj = _map(obj)
    if obj.get("type") == "plain_text":
        return _s(obj.get("text"))
    raw = obj.get("text")
    return mrkdwn_to_text(raw, names) if isinstance(raw, str) else ""


# ---------------------------------------------------------------------------
# Rich text


def _inline(elements: object, names: Mapping[str, str]) -> str:
    """The inline parts of a rich_text_section, with styles shown in mrkdwn notation."""
    parts: list[str] = []
    for el in _seq(elements):
        el = _map(el)
        kind = el.get("type")
        if kind == "text":
            text = _s(el.get("text"))
            style = _map(el.get("style"))
            core = text.strip()
            if core:  # markers hug the words: "* bold*" would not read as bold
                lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
                for key, mark in (("code", "`"), ("bold", "*"), ("italic", "_"), ("strike", "~")):
                    if style.get(key) is True:
                        core = f"{mark}{core}{mark}"
                text = lead + core + trail
            parts.append(text)
        elif kind == "link":
            url, label = _s(el.get("url")), _s(el.get("text"))
            parts.append(f"{label} ({url})" if label and label != url else url)
        elif kind == "user":
            ident = _s(el.get("user_id"))
            parts.append("@" + (_name(names, ident) or ident))
        elif kind == "usergroup":
            ident = _s(el.get("usergroup_id"))
            parts.append("@" + (_name(names, ident) or ident))
        elif kind == "channel":
            ident = _s(el.get("channel_id"))
            parts.append("#" + (_name(names, ident) or ident))
        elif kind == "broadcast":
            parts.append("@" + (_s(el.get("range")) or "here"))
        elif kind == "emoji":
            parts.append(f":{_s(el.get('name'))}:")
        elif kind == "date":
            parts.append(_s(el.get("fallback")) or _date(el.get("timestamp")))
        elif kind == "color":
            parts.append(_s(el.get("value")))
        else:
            parts.append(_s(el.get("text")))
    return "".join(parts)


def _rich_text(block: Mapping[Any, Any], names: Mapping[str, str]) -> list[str]:
    """Sections as paragraphs, lists with ``- `` / ``1. ``, quotes with ``> ``, code fenced."""
    lines: list[str] = []
    for child in _seq(block.get("elements")):
        child = _map(child)
        kind = child.get("type")
        if kind == "rich_text_list":
            indent = child.get("indent")
            pad = "  " * (indent if isinstance(indent, int) and 0 < indent <= 8 else 0)
            offset = child.get("offset")
            start = offset + 1 if isinstance(offset, int) and 0 <= offset < 10**6 else 1
            ordered = child.get("style") == "ordered"
            for n, item in enumerate(_seq(child.get("elements")), start):
                marker = f"{n}." if ordered else "-"
                item_lines = _inline(_map(item).get("elements"), names).rstrip("\n").split("\n")
                lines.append(f"{pad}{marker} {item_lines[0]}")
                lines.extend(f"{pad}{' ' * len(marker)} {rest}" for rest in item_lines[1:])
        elif kind == "rich_text_quote":
            text = _inline(child.get("elements"), names).rstrip("\n")
            lines.extend(f"> {line}" for line in text.split("\n"))
        elif kind == "rich_text_preformatted":
            text = _inline(child.get("elements"), names).rstrip("\n")
            lines.extend(["```", *text.split("\n"), "```"])
        else:
            text = _inline(child.get("elements"), names).rstrip("\n")
            if text or kind == "rich_text_section":
                lines.extend(text.split("\n"))
    return lines
