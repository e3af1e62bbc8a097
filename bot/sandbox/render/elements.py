"""Interactive elements read from a payload: their options, pre-filled answers and kind.

Shared by the block renderer (which shows each element with the command that operates
it) and by ``controls`` (which the console uses to turn that command back into a
payload), so both see the same options, the same initial values and the same fallback ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.render.text import _date, _map, _name, _one, _rich_text, _s, _seq, _text

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
