"""Open sealed form state before any listener reads it, and seal what acks hand back.

The client seals views it opens (``bot.slack.client``); a view answered in the
acknowledgement of a submission (``response_action: update`` or ``push``) travels in the
HTTP response instead, so the ``ack`` listeners get seals it (``SealingAck``). Inbound,
a view whose seal does not match the person acting (edited on the way, or submitted by
someone it was not opened for) is answered like a stale form, before any listener runs:
nothing is read or written for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_sdk.models.views import View

from bot.blocks.notes import stale_form_view
from bot.deps import Deps
from bot.form_seal import FormSeal
from bot.slack.identity import Acting
from handlers.direct import Direct
from handlers.payloads import parsed


def _stale_form_answer() -> BoltResponse:
    """What a refused submission gets: the note to reopen the form, in place of it."""
    answer = {"response_action": "update", "view": stale_form_view().to_dict()}
    return BoltResponse(
        status=200, body=json.dumps(answer), headers={"content-type": ["application/json"]}
    )


class SealingAck(Ack):
    """Bolt's ``ack`` that seals a view it answers with for the person acting."""

    def __init__(self, seal: FormSeal, user_id: str) -> None:
        super().__init__()
        self._seal, self._user_id = seal, user_id

    def __call__(
        self, *args: Any, view: dict[str, Any] | View | None = None, **kwargs: Any
    ) -> BoltResponse:
        """Acknowledge as Bolt does, with ``view``'s ``private_metadata`` sealed."""
        if view is not None:
            plain = view.to_dict() if isinstance(view, View) else view
            view = cast(dict[str, Any], self._seal.seal_view(plain, self._user_id))
        return super().__call__(*args, view=view, **kwargs)


def sealed_forms(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """Replace a view's sealed ``private_metadata`` with what the bot wrote, or refuse;
    give listeners an ``ack`` that seals the views it answers with.

    ``acting`` is None only for a body that is not a payload at all (nobody to seal for).
    """
    context, body = req.context, req.body
    deps: Deps = context["deps"]
    acting: Acting | None = context.get("acting")
    user_id = acting.user_id if acting is not None else ""
    context["ack"] = SealingAck(deps.form_seal, user_id)
    view = body.get("view") if isinstance(body, dict) else None
    if not isinstance(view, dict):
        return next()
    opened = deps.form_seal.open(view.get("private_metadata"), user_id)
    if opened is None:
        if body.get("type") == "view_submission":
            return _stale_form_answer()
        opened = ""  # a button in a tampered form: its listener finds nothing to trust
    view["private_metadata"] = opened
    context.update(parsed(body))  # ``press`` / ``submission`` were parsed while still sealed
    return next()


def register(app: App) -> None:
    """Install the middleware on ``app``, after ``handlers.middleware`` has put ``deps``
    and ``acting`` in the context."""
    app.middleware(Direct(sealed_forms))
