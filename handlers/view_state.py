"""Flatten a submitted view's state into ``{block_id: value}``, whatever the element type.

Slack nests answers as ``state.values[block_id][action_id]`` with a different shape per
element; listeners read the flat dict instead of repeating that digging. An answer of the
wrong shape (a number where Slack sends text, a string where it sends an option) reads as
no answer, so listeners only ever see strings, lists of strings, or None.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.blocks.notes import stale_form_view


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _texts(values: object) -> list[str]:
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _option_value(option: object) -> str | None:
    return _text(option.get("value")) if isinstance(option, dict) else None


def _value(element: dict[str, Any]) -> object:
    kind = element.get("type")
    if kind in {"plain_text_input", "number_input", "email_text_input", "url_text_input"}:
        return _text(element.get("value"))
    if kind in {"static_select", "radio_buttons", "external_select"}:
        return _option_value(element.get("selected_option"))
    if kind in {"checkboxes", "multi_static_select"}:
        options = element.get("selected_options")
        chosen = options if isinstance(options, list) else []
        return [v for v in map(_option_value, chosen) if v is not None]
    if kind == "users_select":
        return _text(element.get("selected_user"))
    if kind == "multi_users_select":
        return _texts(element.get("selected_users"))
    if kind in {"conversations_select", "channels_select"}:
        return _text(element.get("selected_conversation")) or _text(element.get("selected_channel"))
    if kind == "datepicker":
        return _text(element.get("selected_date"))
    if kind == "timepicker":
        return _text(element.get("selected_time"))
    return _text(element.get("value"))


def flatten(view: dict[str, Any]) -> dict[str, object]:
    """``{block_id: value}`` for every input in ``view``'s state."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    flat: dict[str, object] = {}
    for block_id, actions in (values if isinstance(values, dict) else {}).items():
        if isinstance(actions, dict):
            for element in actions.values():
                if isinstance(element, dict):
                    flat[block_id] = _value(element)
    return flat


class StaleForm(Exception):
    """A submitted form's ``private_metadata`` is missing or no longer readable."""


Metadata = TypeVar("Metadata", bound=BaseModel)
Listener = TypeVar("Listener", bound=Callable[..., Any])


def read_metadata(model: type[Metadata], view: dict[str, Any]) -> Metadata:
    """The form's remembered context; ``StaleForm`` when it cannot be read.

    A form opened before a deploy changed its fields, or a tampered payload, must get an
    answer rather than a crash.
    """
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    try:
        return model.model_validate_json(raw or "{}")
    except ValidationError as exc:
        raise StaleForm from exc


def answers_stale_forms(listener: Listener) -> Listener:
    """Wrap a view-submission listener: a stale form is replaced by a note to reopen it."""
    if "ack" not in inspect.signature(listener).parameters:
        raise TypeError(f"{listener.__name__} must take `ack` to answer stale forms")

    @functools.wraps(listener)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return listener(*args, **kwargs)
        except StaleForm:
            kwargs["ack"](response_action="update", view=stale_form_view())
            return None

    return wrapper  # type: ignore[return-value]
