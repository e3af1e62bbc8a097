"""Interaction payloads parsed once, at the edge, into the few facts listeners use.

Slack nests the same fact differently per surface (a button on a message carries its
message in ``container``, a button in a modal carries the ``view``, a message shortcut
carries the ``message`` itself). ``handlers.middleware`` parses each interaction into one
of these models and puts it in Bolt's context, so a listener names what it needs
(``press``, ``submission``, ``picked``) instead of digging through the payload. Who acted
is not here: it is ``bot.slack.identity.Acting``, for every kind of request alike.

Parsing never raises: a field of the wrong type reads as absent, and the listener answers
with the refusal it would give any incomplete request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from handlers.view_state import flatten


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True)


class ButtonPress(_Payload):
    """A ``block_actions`` payload: the first (in practice the only) action taken."""

    action_id: str | None = None
    #: The button's value, or the value of the option, user or date picked.
    value: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    #: The message the button is on (None for a button in a modal or App Home).
    channel_id: str | None = None
    message_ts: str | None = None
    #: The modal the button is in, if any, with its remembered context.
    view_id: str | None = None
    view_metadata: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> ButtonPress:
        """Parse ``body``; whatever is missing or malformed reads as None."""
        actions = body.get("actions")
        action = _object(actions[0]) if isinstance(actions, list) and actions else {}
        container, view = _object(body.get("container")), _object(body.get("view"))
        return cls(
            action_id=_text(action.get("action_id")),
            value=_chosen(action),
            trigger_id=_text(body.get("trigger_id")),
            response_url=_text(body.get("response_url")),
            channel_id=_text(container.get("channel_id"))
            or _text(_object(body.get("channel")).get("id")),
            message_ts=_text(container.get("message_ts"))
            or _text(_object(body.get("message")).get("ts")),
            view_id=_text(view.get("id")),
            view_metadata=_text(view.get("private_metadata")),
        )


def _chosen(action: Mapping[str, Any]) -> str | None:
    """What the element says was chosen: a button's value, a select's option, a user."""
    return (
        _text(action.get("value"))
        or _text(_object(action.get("selected_option")).get("value"))
        or _text(action.get("selected_user"))
        or _text(action.get("selected_date"))
    )


class FormSubmission(_Payload):
    """A ``view_submission`` payload: which form, its remembered context and answers."""

    callback_id: str | None = None
    view_id: str | None = None
    #: The form's ``private_metadata`` (read with ``handlers.view_state.read_metadata``).
    metadata: str | None = None
    #: ``{block_id: value}`` for every input (``handlers.view_state.flatten``).
    values: dict[str, object] = {}
    trigger_id: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> FormSubmission:
        """Parse ``body``; whatever is missing or malformed reads as None or no answer."""
        view = _object(body.get("view"))
        return cls(
            callback_id=_text(view.get("callback_id")),
            view_id=_text(view.get("id")),
            metadata=_text(view.get("private_metadata")),
            values=flatten(dict(view)),
            trigger_id=_text(body.get("trigger_id")),
        )


class PickedMessage(_Payload):
    """A ``message_action`` payload: the message a shortcut was used on, and where."""

    callback_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    text: str = ""
    author_id: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> PickedMessage:
        """Parse ``body``; whatever is missing or malformed reads as None or empty."""
        message = _object(body.get("message"))
        return cls(
            callback_id=_text(body.get("callback_id")),
            trigger_id=_text(body.get("trigger_id")),
            response_url=_text(body.get("response_url")),
            channel_id=_text(_object(body.get("channel")).get("id")),
            message_ts=_text(message.get("ts")),
            text=_text(message.get("text")) or "",
            author_id=_text(message.get("user")),
        )


def parsed(body: Mapping[str, Any]) -> dict[str, _Payload]:
    """The context entries for ``body``: ``press``, ``submission`` or ``picked``."""
    kind = body.get("type")
    if kind == "block_actions":
        return {"press": ButtonPress.of(body)}
    if kind == "view_submission":
        return {"submission": FormSubmission.of(body)}
    if kind == "message_action":
        return {"picked": PickedMessage.of(body)}
    return {}
