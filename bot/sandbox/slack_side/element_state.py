"""What a person's answers look like in a payload, as Slack builds it.

A modal's ``view.state.values`` on submission (an unanswered input keeps its initial
value), and the ``actions[0]`` of a block_actions payload for the element that was used.
Options are found by value or by visible text, ignoring case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sandbox.workspace import JSON, elements_of
from storage.clock import utcnow

_SINGLE_OPTION = frozenset({"static_select", "radio_buttons", "external_select", "overflow"})
_MULTI_OPTION = frozenset({"multi_static_select", "checkboxes", "multi_external_select"})
# element type -> (key in view state, key of the element's initial value)
_SELECTED = {
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
}


def build_view_state(view_payload: Mapping[str, Any], answers: Mapping[str, object]) -> JSON:
    """`view.state.values` for a view's input blocks, as Slack builds it on submission.

    `answers` is keyed by block_id or action_id; an unanswered input keeps its initial value
    (or null). Options match by value or by text, ignoring case.
    """
    values: JSON = {}
    for block in view_payload.get("blocks", []):
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        block_id, action_id = block.get("block_id", ""), element.get("action_id", "")
        answer = answers.get(block_id, answers.get(action_id))
        values.setdefault(block_id, {})[action_id] = element_state(element, answer)
    return values


def element_state(element: Mapping[str, Any], answer: object = None) -> JSON:
    """One element's state entry (`{"type", "value" | "selected_*": ...}`); None: initial."""
    kind = element["type"]
    if kind in _SINGLE_OPTION:
        chosen = element.get("initial_option") if answer is None else _option(element, answer)
        return {"type": kind, "selected_option": chosen}
    if kind in _MULTI_OPTION:
        chosen_all = (
            element.get("initial_options", [])
            if answer is None
            else [_option(element, a) for a in _as_list(answer)]
        )
        return {"type": kind, "selected_options": chosen_all}
    if kind in _SELECTED:
        key, initial = _SELECTED[kind]
        value = element.get(initial) if answer is None else answer
        if kind.startswith("multi_"):
            value = _as_list(value) if value is not None else []
        return {"type": kind, key: value}
    value = element.get("initial_value") if answer is None else str(answer)
    return {"type": kind, "value": value}


def _as_list(answer: object) -> list[Any]:
    return list(answer) if isinstance(answer, list | tuple | set) else [answer]


def _option(element: Mapping[str, Any], answer: object) -> JSON:
    """The option a person picked, found by value or visible text."""
    if isinstance(answer, dict):
        return answer
    options = element.get("options") or [
        option for group in element.get("option_groups", []) for option in group["options"]
    ]
    if not options:  # external selects: the option comes from the bot's options endpoint
        return {"text": {"type": "plain_text", "text": str(answer)}, "value": str(answer)}
    wanted = str(answer).casefold()
    for option in options:
        if wanted in (
            str(option.get("value", "")).casefold(),
            str(option["text"]["text"]).casefold(),
        ):
            return option
    raise ValueError(f"{element.get('action_id')!r} has no option {answer!r}")


def _unanswered_required(view_payload: Mapping[str, Any], state: JSON) -> list[str]:
    """Required inputs left empty: Slack's client refuses to submit those."""
    missing = []
    for block in view_payload.get("blocks", []):
        if block.get("type") != "input" or block.get("optional"):
            continue
        entries = state.get(block.get("block_id", ""), {}).values()
        if all(v in (None, "", []) for e in entries for k, v in e.items() if k != "type"):
            missing.append(block.get("block_id", ""))
    return missing


def _action(blocks: list[JSON], action_id: str, value: str | None, selected_option: object) -> JSON:
    """The `actions[0]` of a block_actions payload for the element with `action_id`."""
    for block, element in elements_of(blocks):
        if element.get("action_id") != action_id:
            continue
        action: JSON = {
            "block_id": block.get("block_id"),
            "action_id": action_id,
            "action_ts": f"{utcnow().timestamp():.6f}",
        }
        if element["type"] == "button":
            action |= {"type": "button", "text": element.get("text")}
            if "style" in element:
                action["style"] = element["style"]
            chosen = value if value is not None else element.get("value")
            if chosen is not None:
                action["value"] = chosen
            return action
        answer = selected_option if selected_option is not None else value
        if answer is None:
            raise ValueError(f"{action_id!r} is a {element['type']}: say what was chosen")
        return action | element_state(element, answer)
    raise ValueError(f"no element with action_id {action_id!r} there")
