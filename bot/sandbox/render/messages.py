"""A message or a shared file as the console prints it: a header line, then the content.

The header names the handle to type (``m3``), where the message was posted, by whom and
when; the content is the blocks (or the fallback text), legacy attachments, reactions and
files.  A file the bot uploaded is shown by name and size, with a text file's first lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sandbox.render.blocks import _Ctx, _field_lines, _groups, _make_ctx
from bot.sandbox.render.text import _clean, _hhmm, _map, _name, _one, _s, _seq, _text

#: Lines of a shared text file shown under its name; the rest are counted, not shown.
FILE_PREVIEW_LINES = 6


def render_file(name: str, content: bytes, *, lines: int = FILE_PREVIEW_LINES) -> list[str]:
    """A file the bot shared, as the console shows it: name and size, then a preview.

    Slack shows a file as a card with a preview; a terminal can show the first lines of a
    text file (an export) and only the name and size of anything else (a chart). Text is
    cleaned like every payload string, since a file's words come from people.
    """
    head = f"  [file uploaded: {_one(_clean(name)) or 'unnamed'}] {_size(len(content))}"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return [head]
    if "\x00" in text:
        return [head]
    body = _clean(text).split("\n")
    if body and not body[-1]:
        body.pop()
    shown = [f"  │ {line}".rstrip() for line in body[:lines]]
    if len(body) > lines:
        shown.append(f"  │ … {len(body) - lines} more line(s)")
    return [head, *shown]


def _size(length: int) -> str:
    """``512 bytes``, ``3.4 KB``, ``1.2 MB``: as a file card states it."""
    if length < 1024:
        return f"{length} bytes"
    if length < 1024 * 1024:
        return f"{length / 1024:.1f} KB"
    return f"{length / (1024 * 1024):.1f} MB"


def _author(msg: Mapping[Any, Any], names: Mapping[str, str]) -> str:
    for candidate in (
        _s(msg.get("username")),
        _s(_map(msg.get("bot_profile")).get("name")),
        _name(names, _s(msg.get("user"))),
        _name(names, _s(msg.get("bot_id"))),
        _s(msg.get("user")),
        _s(msg.get("bot_id")),
    ):
        if _one(candidate):
            return _one(candidate)
    return ""


def _attachment_lines(attachment: object, ctx: _Ctx) -> list[str]:
    """A legacy attachment, indented behind a bar like Slack's coloured stripe."""
    att = _map(attachment)
    names = ctx.names
    lines: list[str] = []
    pretext = _text(att.get("pretext"), names)
    if pretext:
        lines.extend(pretext.split("\n"))
    body: list[str] = []
    title = _one(_s(att.get("title")))
    link = _one(_s(att.get("title_link")))
    if title:
        body.append(f"{title} ({link})" if link else title)
    text = _text(att.get("text"), names)
    if text:
        body.extend(text.split("\n"))
    fields = []
    for item in _seq(att.get("fields")):
        item = _map(item)
        label, value = _one(_s(item.get("title"))), _text(item.get("value"), names)
        fields.append(f"{label}\n{value}" if label else value)
    body.extend(_field_lines([f for f in fields if f.strip()]))
    for group in _groups(att.get("blocks"), ctx):
        body.extend(group)
    footer = _one(_text(att.get("footer"), names))
    if footer:
        body.append(ctx.dim(f"  · {footer}"))
    if not body and not pretext:
        body.extend(_s(att.get("fallback")).split("\n"))
    lines.extend(f"│ {line}".rstrip() for line in body)
    return lines


def render_message(
    msg: Mapping[str, Any],
    names: Mapping[str, str],
    *,
    ref: str,
    channel_name: str,
    kind: str,
    color: bool = False,
) -> str:
    """Render one message as a header line followed by its content.

    The header (``── m3 · #acme-recovery · grievance-bot · 10:04 ──``) tells the user
    which handle to type, where it was posted, by whom and when (UTC).  ``kind`` is
    ``message``, ``update`` (marked "edited in place", so a changed message is not
    mistaken for a new one), ``ephemeral`` ("only visible to you", as in Slack) or ``dm``.
    A thread reply says "in thread of m1" when ``msg`` has a ``thread_ref`` key and a
    ``thread_ts`` different from its ``ts``.  Blocks win over ``text`` (Slack uses text
    only as a fallback), then legacy attachments, reactions (``:+1: 2``) and files.
    """
    msg = _map(msg)
    channel = _one(_s(channel_name))
    if channel and not channel.startswith(("#", "@")) and kind != "dm":
        channel = "#" + channel
    parts = [_one(_s(ref)), channel, _author(msg, names), _hhmm(msg.get("ts"))]
    tags = {
        "ephemeral": "only visible to you",
        "update": "edited in place",
        "dm": "direct message",
    }
    parts.append(tags.get(kind, ""))
    ts, thread_ts = _s(msg.get("ts")), _s(msg.get("thread_ts"))
    thread_ref = _one(_s(msg.get("thread_ref")))
    if thread_ref and thread_ts and thread_ts != ts:
        parts.append(f"in thread of {thread_ref}")
    lines = ["── " + " · ".join(p for p in parts if p) + " ──"]

    blocks = _seq(msg.get("blocks"))
    attachments = _seq(msg.get("attachments"))
    everything = blocks + [b for a in attachments for b in _seq(_map(a).get("blocks"))]
    ctx = _make_ctx(everything, names, ref, color)
    if blocks:
        lines.extend(line for group in _groups(blocks, ctx) for line in group)
    else:
        text = _text(msg.get("text"), ctx.names) if isinstance(msg.get("text"), str) else ""
        if text:
            lines.extend(line.rstrip() for line in text.split("\n"))
    for attachment in attachments:
        lines.extend(_attachment_lines(attachment, ctx))

    reactions = []
    for reaction in _seq(msg.get("reactions")):
        reaction = _map(reaction)
        name = _one(_s(reaction.get("name")))
        if not name:
            continue
        count = reaction.get("count")
        if not isinstance(count, int) or isinstance(count, bool):
            count = len(_seq(reaction.get("users"))) or 1
        reactions.append(f":{name}: {count}")
    if reactions:
        lines.append("  ".join(reactions))
    files = []
    for item in _seq(msg.get("files")):
        item = _map(item)
        label = _one(_s(item.get("name")) or _s(item.get("title")) or _s(item.get("id")))
        files.append(f"[file: {label or 'unnamed'}]")
    if files:
        lines.append("  ".join(files))
    if len(lines) == 1:
        lines.append(ctx.dim("  (no content)"))
    return "\n".join(lines)
