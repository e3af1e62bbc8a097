"""Block Kit blocks as terminal lines, each interactive element ending in its command.

A header is underlined, section fields are set in two columns when they fit, a modal's
inputs show their ``set`` command, options and errors, and anything unknown or malformed
becomes a visible ``[unsupported block: type]`` instead of an exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.sandbox.render.elements import (
    _BUTTON_TYPES,
    _OPTION_TYPES,
    _choices,
    _field_for,
    _initial,
    _interactive,
    _kind,
    _placeholder_arg,
    _shown,
)
from bot.sandbox.render.text import _map, _one, _pad, _rich_text, _s, _seq, _text, _width

#: Width of the decorations this module draws (rules, header underlines).
RULE_WIDTH = 60
#: Columns the output is designed for; two-column fields fall back to one per line past it.
SCREEN_WIDTH = 100
#: Column where the second of two side-by-side section fields starts.
FIELD_COLUMN = 50

_DIM, _BOLD, _RED, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[31m", "\x1b[0m"


@dataclass
class _Ctx:
    names: Mapping[str, str]
    ref: str
    color: bool
    errors: Mapping[Any, Any]
    action_ids: dict[int, str]
    shared_ids: frozenset[str]

    def dim(self, line: str) -> str:
        return f"{_DIM}{line}{_RESET}" if self.color else line

    def bold(self, line: str) -> str:
        return f"{_BOLD}{line}{_RESET}" if self.color else line

    def red(self, line: str) -> str:
        return f"{_RED}{line}{_RESET}" if self.color else line


def _make_ctx(
    blocks: object,
    names: Mapping[str, str],
    ref: str,
    color: bool,
    errors: Mapping[Any, Any] | None = None,
) -> _Ctx:
    ids: dict[int, str] = {}
    counts: dict[str, int] = {}
    for n, (_, element) in enumerate(_interactive(blocks), 1):
        action_id = _one(_s(element.get("action_id"))) or f"action{n}"
        ids[id(element)] = action_id
        counts[action_id] = counts.get(action_id, 0) + 1
    shared = frozenset(a for a, c in counts.items() if c > 1)
    return _Ctx(
        names if isinstance(names, Mapping) else {},
        _one(_s(ref)),
        color,
        _map(errors),
        ids,
        shared,
    )


def _element_lines(element: Mapping[Any, Any], ctx: _Ctx) -> list[str]:
    """An interactive element as one line ending in the command that operates it."""
    kind = _s(element.get("type"))
    names = ctx.names
    if kind == "image":
        return [f"  [image: {_one(_s(element.get('alt_text')))}]"]
    action_id = ctx.action_ids.get(id(element)) or _one(_s(element.get("action_id")))
    if kind in _BUTTON_TYPES:
        label = _one(_text(element.get("text"), names)) or action_id
        command = f"click {ctx.ref} {action_id}"
        value = _one(_s(element.get("value")))
        if action_id in ctx.shared_ids and value:
            command += f" {value}"
        line = f"  [{label}] ({command})"
        url = _one(_s(element.get("url")))
        return [line + (f" → {url}" if url else "")]
    if kind in _OPTION_TYPES:
        choices = _choices(element, names)
        choose = f"(choose {ctx.ref} {action_id} <option>)"
        if not choices:  # external_select: options come from the app on demand
            return [f"  {action_id}: type to search {choose}"]
        line = f"  {action_id}: " + " | ".join(text or value for text, value in choices)
        initial = _initial(element, names)
        picked = initial if isinstance(initial, tuple) else (initial,) if initial else ()
        current = [text for text, value in choices if value in picked]
        if current:
            line += f" (current: {', '.join(current)})"
        return [f"{line} {choose}"]
    if kind in ("users_select", "multi_users_select", "conversations_select",
                "multi_conversations_select", "channels_select", "multi_channels_select",
                "datepicker", "timepicker", "datetimepicker"):  # fmt: skip
        line = f"  {action_id}: {_kind(element, names)}"
        current = _shown(_initial(element, names), kind, names)
        if current:
            line += f" (current: {current})"
        return [f"{line} (choose {ctx.ref} {action_id} {_placeholder_arg(kind)})"]
    return [f"  [unsupported element: {_one(kind) or 'unknown'}]"]


def _field_lines(fields: list[str]) -> list[str]:
    """Section fields as ``label: value``, two per line when they fit in 100 columns."""
    items: list[str] = []
    for text in fields:
        head, _, rest = text.strip("\n").partition("\n")
        if rest.strip():
            label = head.strip().strip("*_~").strip().rstrip(":")
            items.append(f"{label}: {_one(rest)}")
        else:
            items.append(_one(head))
    lines: list[str] = []
    i = 0
    while i < len(items):
        left = items[i]
        right = items[i + 1] if i + 1 < len(items) else None
        fits = (
            right is not None
            and _width(left) + 4 <= FIELD_COLUMN
            and FIELD_COLUMN + _width(right) <= SCREEN_WIDTH
        )
        if fits and right is not None:
            lines.append(_pad(f"  {left}", FIELD_COLUMN) + right)
            i += 2
        else:
            lines.append(f"  {left}")
            i += 1
    return lines


def _input_lines(block: Mapping[Any, Any], position: int, ctx: _Ctx) -> list[str]:
    """A modal input: label and ``set`` command, error right under it, then what to type."""
    f = _field_for(block, position, ctx.names)
    element = _map(block.get("element"))
    lines = [f"  {f.label}{' (optional)' if f.optional else ''}  → set {f.block_id} <value>"]
    error = ctx.errors.get(f.block_id) if f.block_id in ctx.errors else None
    if error is not None:
        lines.append(ctx.red(f"  ! {_one(_s(error)) or 'invalid'}"))
    kind = _kind(element, ctx.names)
    if f.choices:
        lines.append(f"      {kind}:")
        picked = f.initial if isinstance(f.initial, tuple) else (f.initial,) if f.initial else ()
        options = _seq(element.get("options"))
        descriptions = [_one(_text(_map(o).get("description"), ctx.names)) for o in options]
        for n, (text, value) in enumerate(f.choices, 1):
            line = f"        {n}. {text}"
            if value != text:
                line += f" = {value}"
            if n <= len(descriptions) and descriptions[n - 1]:
                line += f" — {descriptions[n - 1]}"
            if value in picked:
                line += " (current)"
            lines.append(line)
    else:
        if f.placeholder and "e.g." not in kind:  # a picker's placeholder is an instruction
            kind += f", e.g. {f.placeholder}"
        current = _shown(f.initial, f.element_type, ctx.names)
        if current:
            kind += f"; current: {current}"
        lines.append(f"      {kind}")
    if f.hint:
        lines.append(ctx.dim(f"      · {f.hint}"))
    return lines


def _table_lines(block: Mapping[Any, Any], names: Mapping[str, str]) -> list[str]:
    lines = []
    for row in _seq(block.get("rows")):
        cells = []
        for cell in _seq(row):
            cell = _map(cell)
            if cell.get("type") == "rich_text":
                cells.append(_one("\n".join(_rich_text(cell, names))))
            else:
                cells.append(_one(_s(cell.get("text"))))
        lines.append("  " + " | ".join(cells))
    return lines


def _block_lines(block: object, position: int, ctx: _Ctx) -> list[str]:
    """One block as lines; unknown or malformed blocks become a visible placeholder."""
    if not isinstance(block, Mapping):
        return [f"[unsupported block: {type(block).__name__}]"]
    kind = block.get("type")
    names = ctx.names
    if kind == "header":
        title = _one(_text(block.get("text"), names))
        underline = "═" * min(max(_width(title), 3), SCREEN_WIDTH)
        return [ctx.bold(title), underline]
    if kind == "section":
        lines = []
        text = _text(block.get("text"), names)
        if text:
            lines.extend(text.split("\n"))
        fields = [_text(f, names) for f in _seq(block.get("fields"))]
        lines.extend(_field_lines([f for f in fields if f.strip()]))
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping):
            lines.extend(_element_lines(accessory, ctx))
        return lines
    if kind == "divider":
        return ["─" * RULE_WIDTH]
    if kind == "context":
        parts = []
        for el in _seq(block.get("elements")):
            el = _map(el)
            if el.get("type") == "image":
                parts.append(f"[image: {_one(_s(el.get('alt_text')))}]")
            else:
                parts.append(_one(_text(el, names)))
        return [ctx.dim("  · " + " · ".join(p for p in parts if p))]
    if kind == "actions":
        lines = []
        for element in _seq(block.get("elements")):
            if isinstance(element, Mapping):
                lines.extend(_element_lines(element, ctx))
            else:
                lines.append(f"  [unsupported element: {type(element).__name__}]")
        return lines
    if kind == "image":
        title = _one(_text(block.get("title"), names))
        image = f"[image: {_one(_s(block.get('alt_text')))}]"
        return [title, image] if title else [image]
    if kind == "rich_text":
        return _rich_text(block, names)
    if kind == "input":
        return _input_lines(block, position, ctx)
    if kind == "markdown":
        return _s(block.get("text")).split("\n")
    if kind == "table":
        return _table_lines(block, names)
    if kind == "video":
        title = _one(_text(block.get("title"), names)) or _one(_s(block.get("alt_text")))
        url = _one(_s(block.get("title_url")) or _s(block.get("video_url")))
        return [f"[video: {title}]" + (f" ({url})" if url else "")]
    if kind == "file":
        return [f"[file: {_one(_s(block.get('external_id')))}]"]
    return [f"[unsupported block: {_one(_s(kind)) or 'unknown'}]"]


def _groups(blocks: object, ctx: _Ctx) -> list[list[str]]:
    """Lines per block, each line a single physical line with trailing spaces dropped."""
    groups = []
    for position, block in enumerate(_seq(blocks), 1):
        lines = _block_lines(block, position, ctx)
        groups.append([part.rstrip() for line in lines for part in line.split("\n")])
    return groups


def render_blocks(
    blocks: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    *,
    ref: str,
    color: bool = False,
) -> list[str]:
    """Render Block Kit blocks as terminal lines, one or more per block.

    ``ref`` is the short handle the console gave the message or view (``m3``); it is
    embedded in every command so the user can act by typing it: buttons render as
    ``[Acknowledge] (click m3 ack_grievance)`` (plus the button value when several
    elements share that action_id), selects and overflows as
    ``severity: Low | High (choose m3 severity <option>)``.  Never raises: malformed or
    unknown blocks render as ``[unsupported block: type]``.
    """
    ctx = _make_ctx(blocks, names, ref, color)
    return [line for group in _groups(blocks, ctx) for line in group]
