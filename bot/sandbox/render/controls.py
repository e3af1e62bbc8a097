"""What the console needs to act on what was rendered: the inputs of a view, the
interactive elements of a message or view, and typed answers matched to their options.

Action ids and fallbacks here are the ones the rendered commands show, so ``click m3
<action_id>``, ``choose m3 <action_id> <option>`` and ``set <block_id> <value>`` always
find the element they were printed for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from bot.sandbox.render.blocks import _make_ctx
from bot.sandbox.render.elements import (
    _BUTTON_TYPES,
    _OPTION_TYPES,
    ActionElement,
    InputField,
    _choices,
    _field_for,
    _initial,
    _interactive,
)
from bot.sandbox.render.text import _map, _one, _s, _seq, _text


class Choosable(Protocol):
    """Anything with a list of ``(text, value)`` options that a typed answer can pick from."""

    @property
    def choices(self) -> tuple[tuple[str, str], ...]: ...


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
