"""A modal or the App Home tab as the console prints it: a boxed title, the blocks, and
for a modal its submit and cancel buttons, with the bot's field errors under their fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sandbox.render.blocks import _groups, _make_ctx
from bot.sandbox.render.controls import describe_inputs
from bot.sandbox.render.text import _map, _one, _s, _text, _width


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
