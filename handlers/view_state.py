"""Flatten a submitted view's state into ``{block_id: value}``, whatever the element type.

Slack nests answers as ``state.values[block_id][action_id]`` with a different shape per
element; listeners read the flat dict instead of repeating that digging.
"""

from __future__ import annotations

from typing import Any


def _value(element: dict[str, Any]) -> object:
    kind = element.get("type")
    if kind in {"plain_text_input", "number_input", "email_text_input", "url_text_input"}:
        return element.get("value")
    if kind in {"static_select", "radio_buttons", "external_select"}:
        option = element.get("selected_option") or {}
        return option.get("value")
    if kind in {"checkboxes", "multi_static_select"}:
        return [o.get("value") for o in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind in {"conversations_select", "channels_select"}:
        return element.get("selected_conversation") or element.get("selected_channel")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    return element.get("value")


def flatten(view: dict[str, Any]) -> dict[str, object]:
    """``{block_id: value}`` for every input in ``view``'s state."""
    values = ((view.get("state") or {}).get("values")) or {}
    flat: dict[str, object] = {}
    for block_id, actions in values.items():
        if isinstance(actions, dict):
            for element in actions.values():
                if isinstance(element, dict):
                    flat[block_id] = _value(element)
    return flat
