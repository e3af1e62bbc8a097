"""Turn what the bot posts to Slack into plain terminal text for ``grievance-bot sandbox``.

The sandbox lets a newcomer play a Slack user against the real bot and a local Slack
emulator, so everything the bot sends (messages, ephemerals, DMs, modals, the App Home)
has to be readable in a terminal, and every interactive thing has to carry a short
command the user can type (``click m3 ack_grievance``, ``choose m3 severity High``,
``set category Timeline``).  This module is the pure half of that: Block Kit JSON
(plain dicts, exactly as Slack's Web API receives them) in, lines of text out.  It does
no I/O, so the console and the tests can diff its output directly.

Design rules, and why:

* Never raise on odd payloads.  The sandbox exists to show people what the bot does,
  including when the bot sends something malformed; a crash in the renderer would hide
  the very bug the user is trying to see.  Unknown blocks become
  ``[unsupported block: type]``.
* Strip control characters (except newline) and terminal escape sequences from every
  string taken from a payload, so a message cannot repaint or hijack the user's terminal.
  Right-to-left text and other printable Unicode is kept as is.
* Long text is never truncated; the terminal wraps it.  Only the decorations this module
  adds (rules, boxes, two-column fields) are kept within 100 columns.
* No colour unless asked for (``color=True``), so test output stays diff-able.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

__all__ = [
    "ActionElement",
    "Choosable",
    "InputField",
    "describe_actions",
    "describe_inputs",
    "mrkdwn_to_text",
    "render_blocks",
    "render_file",
    "render_message",
    "render_view",
    "resolve_choice",
    "resolve_choices",
]

#: Width of the decorations this module draws (rules, header underlines).
RULE_WIDTH = 60
#: Columns the output is designed for; two-column fields fall back to one per line past it.
SCREEN_WIDTH = 100
#: Column where the second of two side-by-side section fields starts.
FIELD_COLUMN = 50

_DIM, _BOLD, _RED, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[31m", "\x1b[0m"

#: Element types whose answer is several values (typed comma-separated in the console).
_MULTI_TYPES = frozenset(
    {
        "checkboxes",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
#: Element types that carry a fixed list of options.
_OPTION_TYPES = frozenset(
    {
        "static_select",
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "radio_buttons",
        "checkboxes",
        "overflow",
    }
)
_BUTTON_TYPES = frozenset({"button", "workflow_button"})

# ---------------------------------------------------------------------------
# Public data types


class Choosable(Protocol):
    """Anything with a list of ``(text, value)`` options that a typed answer can pick from."""

    @property
    def choices(self) -> tuple[tuple[str, str], ...]: ...


@dataclass(frozen=True)
class InputField:
    """One input block of a modal, as the console needs it to turn ``set x y`` into state.

    ``choices`` are ``(text, value)`` pairs for selects, radio buttons and checkboxes (empty
    otherwise).  ``initial`` is the raw pre-filled answer: a string (text, option value,
    user id, date...), a tuple of strings for multi-value elements, or ``None``.
    ``block_id``/``action_id`` fall back to ``block{n}`` (1-based block position) and to
    the block id when the bot left them out, so every field can still be addressed.
    """

    block_id: str
    action_id: str
    label: str
    element_type: str
    optional: bool
    choices: tuple[tuple[str, str], ...]
    initial: str | tuple[str, ...] | None
    multiline: bool = False
    placeholder: str = ""
    hint: str = ""

    @property
    def multiple(self) -> bool:
        """True when the answer is several values (checkboxes, multi-selects)."""
        return self.element_type in _MULTI_TYPES


@dataclass(frozen=True)
class ActionElement:
    """One interactive element of a message or view (button, select, overflow, picker...).

    The console uses these to turn ``click m3 ack_grievance [value]`` or
    ``choose m3 severity High`` into a ``block_actions`` payload.  When several elements
    share an ``action_id`` the rendered click command includes the button ``value`` so the
    console can tell them apart.  Elements without an ``action_id`` get ``action{n}``
    (1-based position among the interactive elements), matching what is rendered.
    """

    block_id: str
    action_id: str
    element_type: str
    text: str
    value: str | None
    url: str | None
    choices: tuple[tuple[str, str], ...] = field(default=())
    initial: str | tuple[str, ...] | None = None


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


# ---------------------------------------------------------------------------
# Elements


def _choices(element: Mapping[Any, Any], names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """``(text, value)`` for an element's options, option groups flattened in order."""
    options = _seq(element.get("options"))
    for group in _seq(element.get("option_groups")):
        options.extend(_seq(_map(group).get("options")))
    found: list[tuple[str, str]] = []
    for option in options:
        option = _map(option)
        if not option:
            continue
        found.append((_one(_text(option.get("text"), names)), _s(option.get("value"))))
    return tuple(found)


def _option_value(option: object) -> str | None:
    option = _map(option)
    return _s(option.get("value")) if option else None


def _initial(element: Mapping[Any, Any], names: Mapping[str, str]) -> str | tuple[str, ...] | None:
    """The pre-filled answer of an element, in the raw form Slack would submit it."""
    kind = element.get("type")
    if kind in _MULTI_TYPES:
        for key in (
            "initial_options",
            "initial_users",
            "initial_conversations",
            "initial_channels",
        ):
            if key in element:
                raw = _seq(element.get(key))
                if key == "initial_options":
                    return tuple(v for v in (_option_value(o) for o in raw) if v is not None)
                return tuple(_s(v) for v in raw if _s(v))
        return None
    if "initial_option" in element:
        return _option_value(element.get("initial_option"))
    for key in (
        "initial_value",
        "initial_user",
        "initial_conversation",
        "initial_channel",
        "initial_date",
        "initial_time",
        "initial_date_time",
    ):
        if key in element:
            raw = element.get(key)
            if isinstance(raw, Mapping):  # rich_text_input's initial_value
                return "\n".join(_rich_text(raw, names)) or None
            return _s(raw) or None
    return None


def _shown(value: str | tuple[str, ...] | None, kind: str, names: Mapping[str, str]) -> str:
    """An initial value as a person would read it (user ids as @names, dates as-is...)."""
    values = value if isinstance(value, tuple) else (value,) if value else ()
    if "users" in kind:
        return ", ".join("@" + (_name(names, v) or v) for v in values)
    if "conversations" in kind or "channels" in kind:
        return ", ".join("#" + (_name(names, v) or v) for v in values)
    if kind == "datetimepicker":
        return ", ".join(_date(v) or v for v in values)
    return ", ".join(v.replace("\n", " ⏎ ") for v in values)


def _examples(names: Mapping[str, str], sigil: str, prefixes: str, count: int) -> str:
    found: list[str] = []
    if isinstance(names, Mapping):
        for key in names:
            if isinstance(key, str) and key[:1] in prefixes and _name(names, key):
                found.append(sigil + _name(names, key))
            if len(found) == count:
                break
    fallback = ["@ana", "@ben"] if sigil == "@" else ["#general", "#random"]
    return ", ".join(found or fallback[:count])


def _kind(element: Mapping[Any, Any], names: Mapping[str, str]) -> str:
    """What kind of answer an element wants, in words."""
    kind = _s(element.get("type"))
    if kind == "plain_text_input":
        text = "multi-line text" if element.get("multiline") is True else "text"
        low, high = element.get("min_length"), element.get("max_length")
        if isinstance(high, int) and not isinstance(high, bool):
            text += f", up to {high} characters"
        if isinstance(low, int) and not isinstance(low, bool) and low > 0:
            text += f", at least {low}"
        return text
    if kind == "number_input":
        text = "a number" if element.get("is_decimal_allowed") is True else "a whole number"
        low, high = _s(element.get("min_value")), _s(element.get("max_value"))
        if low and high:
            text += f" from {low} to {high}"
        elif low:
            text += f", at least {low}"
        elif high:
            text += f", at most {high}"
        return text
    simple = {
        "email_text_input": "an email address",
        "url_text_input": "a URL",
        "rich_text_input": "rich text",
        "static_select": "one of",
        "external_select": "one of",
        "radio_buttons": "one of",
        "overflow": "one of",
        "multi_static_select": "one or more of (comma-separated)",
        "multi_external_select": "one or more of (comma-separated)",
        "checkboxes": "any of (comma-separated)",
        "datepicker": "a date, YYYY-MM-DD",
        "timepicker": "a time, HH:MM",
        "datetimepicker": "a date and time, YYYY-MM-DD HH:MM",
        "file_input": "files (not available in the sandbox)",
    }
    if kind in simple:
        return simple[kind]
    if kind == "users_select":
        return f"a user, e.g. {_examples(names, '@', 'UW', 1)}"
    if kind == "multi_users_select":
        return f"users, comma-separated, e.g. {_examples(names, '@', 'UW', 2)}"
    if kind in ("conversations_select", "channels_select"):
        return f"a channel, e.g. {_examples(names, '#', 'CDG', 1)}"
    if kind in ("multi_conversations_select", "multi_channels_select"):
        return f"channels, comma-separated, e.g. {_examples(names, '#', 'CDG', 2)}"
    return f"{_one(kind) or 'unknown'} (unsupported input)"


def _placeholder_arg(kind: str) -> str:
    """The argument shown in a ``choose`` command for a non-option element."""
    if "users" in kind:
        return "<@user>"
    if "conversations" in kind or "channels" in kind:
        return "<#channel>"
    return {
        "datepicker": "<YYYY-MM-DD>",
        "timepicker": "<HH:MM>",
        "datetimepicker": "<YYYY-MM-DD HH:MM>",
    }.get(kind, "<value>")


# ---------------------------------------------------------------------------
# Blocks


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


def _interactive(blocks: object) -> list[tuple[str, Mapping[Any, Any]]]:
    """``(block_id, element)`` for every clickable/choosable element, in display order."""
    found: list[tuple[str, Mapping[Any, Any]]] = []
    for block in _seq(blocks):
        block = _map(block)
        block_id = _one(_s(block.get("block_id")))
        if block.get("type") == "actions":
            candidates = _seq(block.get("elements"))
        elif block.get("type") == "section":
            candidates = [block.get("accessory")]
        else:
            continue
        for element in candidates:
            if isinstance(element, Mapping) and element.get("type") != "image":
                found.append((block_id, element))
    return found


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


def _field_for(block: Mapping[Any, Any], position: int, names: Mapping[str, str]) -> InputField:
    element = _map(block.get("element"))
    block_id = _one(_s(block.get("block_id"))) or f"block{position}"
    kind = _one(_s(element.get("type")))
    return InputField(
        block_id=block_id,
        action_id=_one(_s(element.get("action_id"))) or block_id,
        label=_one(_text(block.get("label"), names)) or block_id,
        element_type=kind,
        optional=block.get("optional") is True,
        choices=_choices(element, names) if kind in _OPTION_TYPES else (),
        initial=_initial(element, names),
        multiline=element.get("multiline") is True,
        placeholder=_one(_text(element.get("placeholder"), names)),
        hint=_one(_text(block.get("hint"), names)),
    )


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


# ---------------------------------------------------------------------------
# Messages


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


# ---------------------------------------------------------------------------
# Views


def _box(title: str) -> list[str]:
    inner = _width(title) + 2
    return ["┌" + "─" * inner + "┐", f"│ {title} │", "└" + "─" * inner + "┘"]


def render_view(
    view: Mapping[str, Any],
    names: Mapping[str, str],
    *,
    ref: str,
    errors: Mapping[str, str] | None = None,
    color: bool = False,
) -> str:
    """Render a modal (boxed title, fields, submit/cancel footer) or the App Home tab.

    Each input block shows its label, ``→ set {block_id} <value>``, what kind of answer
    it takes and, for selects/radio buttons/checkboxes, the numbered options with their
    values and the pre-selected one marked.  ``errors`` (the ``response_action: errors``
    map the bot returned) appear as ``  ! message`` right under the field they belong to;
    errors for block ids not in the view are listed at the end so none is lost.
    """
    view = _map(view)
    blocks = view.get("blocks")
    error_map = _map(errors)
    ctx = _make_ctx(blocks, names, ref, color, error_map)
    is_home = view.get("type") == "home"
    title = "App Home" if is_home else _one(_text(view.get("title"), ctx.names)) or "Modal"
    lines = _box(title)
    for n, group in enumerate(_groups(blocks, ctx)):
        if n:
            lines.append("")
        lines.extend(group)
    known = {f.block_id for f in describe_inputs(view)}
    orphans = [
        ctx.red(f"  ! {_one(_s(block_id))}: {_one(_s(message))}")
        for block_id, message in error_map.items()
        if _s(block_id) not in known
    ]
    if orphans:
        lines.extend(["", *orphans])
    if not is_home:
        buttons = []
        submit = _one(_text(view.get("submit"), ctx.names))
        if submit:
            buttons.append(f"[{submit}] (submit)")
        close = _one(_text(view.get("close"), ctx.names)) or "Cancel"
        buttons.append(f"[{close}] (cancel)")
        lines.extend(["", "   ".join(buttons)])
    return "\n".join(lines)


def describe_inputs(
    view: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> list[InputField]:
    """The input blocks of a view, in order, so the console can validate and build state.

    ``names`` only affects option texts that contain mentions; it can be left out.
    """
    view = _map(view)
    return [
        _field_for(block, position, names or {})
        for position, block in enumerate(_seq(view.get("blocks")), 1)
        if isinstance(block, Mapping) and block.get("type") == "input"
    ]


def describe_actions(
    blocks: Sequence[Mapping[str, Any]], names: Mapping[str, str] | None = None
) -> list[ActionElement]:
    """The interactive elements of a message's or view's blocks, in rendered order.

    Pass a message's ``blocks`` (or a view's) to find what ``click m3 <action_id>
    [value]`` or ``choose m3 <action_id> <option>`` refers to.  Action ids match the
    rendered commands, including the ``action{n}`` fallback for elements without one.
    """
    names = names or {}
    ctx = _make_ctx(blocks, names, "", False)
    found = []
    for block_id, element in _interactive(blocks):
        kind = _one(_s(element.get("type")))
        if kind in _BUTTON_TYPES:
            text = _one(_text(element.get("text"), names))
        else:
            text = _one(_text(element.get("placeholder"), names))
        value = element.get("value")
        url = element.get("url")
        found.append(
            ActionElement(
                block_id=block_id,
                action_id=ctx.action_ids.get(id(element), ""),
                element_type=kind,
                text=text,
                value=_s(value) if isinstance(value, str) else None,
                url=_s(url) if isinstance(url, str) else None,
                choices=_choices(element, names) if kind in _OPTION_TYPES else (),
                initial=_initial(element, names),
            )
        )
    return found


def resolve_choice(field: Choosable, typed: str) -> str | None:
    """Match what the user typed to one option's value, or ``None`` if nothing matches.

    Tried in order, so the most explicit reading wins: the exact value, the value
    ignoring case, the option text ignoring case, the 1-based option number as listed
    by :func:`render_view`, then a text prefix that only one option has.  A value that
    looks like a number (``"3"``) therefore beats option number 3.  Fields without
    options (free text, users, dates) return ``None``; the console takes those verbatim.
    """
    choices = tuple(getattr(field, "choices", ()) or ())
    wanted = typed.strip().strip("\"'").strip() if isinstance(typed, str) else ""
    if not choices or not wanted:
        return None
    folded = wanted.casefold()
    for _, value in choices:
        if value == wanted:
            return value
    for _, value in choices:
        if value.casefold() == folded:
            return value
    for text, value in choices:
        if text.casefold() == folded:
            return value
    if (
        wanted.isascii()
        and wanted.isdigit()
        and len(wanted) < 7
        and 0 < int(wanted) <= len(choices)
    ):
        return choices[int(wanted) - 1][1]
    prefixed = [value for text, value in choices if text.casefold().startswith(folded)]
    return prefixed[0] if len(prefixed) == 1 else None


def resolve_choices(field: Choosable, typed: str) -> tuple[str, ...] | None:
    """Several comma-separated answers (checkboxes, multi-selects) as option values.

    The whole string is tried as one option first, so option texts containing commas
    still work.  Returns ``()`` for an empty answer and ``None`` if any part matches no
    option.
    """
    if not isinstance(typed, str) or not typed.strip():
        return ()
    whole = resolve_choice(field, typed)
    if whole is not None:
        return (whole,)
    picked: list[str] = []
    for part in typed.split(","):
        if not part.strip():
            continue
        value = resolve_choice(field, part)
        if value is None:
            return None
        if value not in picked:
            picked.append(value)
    return tuple(picked)
