"""Modals and the App Home tab, and the trigger_ids that open them.

A trigger is single use, bound to the person who interacted and good for three seconds;
modals stack at most three deep; a Home tab keeps its view id across publishes.  Each
view gets a fresh hash when it changes, so a stale views.update is refused.
"""

from __future__ import annotations

import secrets
import time
from typing import Literal

from bot.sandbox.workspace.block_ids import with_view_ids
from bot.sandbox.workspace.objects import JSON, ActivityKind, SlackError, Trigger, View
from bot.sandbox.workspace.state import WorkspaceState

TRIGGER_TTL = 3.0  # seconds, as on Slack
MODAL_STACK_LIMIT = 3


class Views(WorkspaceState):
    """Triggers, modal stacks and Home tabs."""

    def issue_trigger(self, user: str) -> str:
        """A trigger_id like Slack's, usable once within three seconds, bound to `user`."""
        with self.lock:
            trigger_id = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(16)}"
            self.triggers[trigger_id] = Trigger(user, time.monotonic() + TRIGGER_TTL)
            return trigger_id

    def exchange_trigger(self, trigger_id: str) -> str:
        """The user a trigger belongs to; `invalid_`, `exchanged_` or `expired_trigger_id`."""
        with self.lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            if trigger.expires_at < time.monotonic():
                raise SlackError("expired_trigger_id")
            trigger.used = True
            return trigger.user

    def find_view(self, view_id: str | None = None, external_id: str | None = None) -> View:
        """An open view by id or external_id, or `not_found`."""
        with self.lock:
            for view in self.views.values():
                if view.id == view_id or (
                    external_id and view.payload.get("external_id") == external_id
                ):
                    return view
            raise SlackError("not_found")

    def modal_stack(self, user: str) -> list[View]:
        """The user's open modals, root first."""
        with self.lock:
            return [self.views[v] for v in self.modal_stacks.get(user, [])]

    def open_modal(self, user: str, payload: JSON) -> View:
        """A new root modal; whatever the user had open is replaced."""
        with self.lock:
            for old in self.modal_stacks.pop(user, []):
                self.views.pop(old, None)
            view = self._new_view("modal", user, payload, None)
            self.modal_stacks[user] = [view.id]
            self.record("modal_open", user=user, view_id=view.id)
            return view

    def push_modal(self, user: str, payload: JSON) -> View:
        """A modal on top of the user's stack (at most three), or a new root."""
        with self.lock:
            stack = self.modal_stacks.get(user)
            if not stack:
                return self.open_modal(user, payload)
            if len(stack) >= MODAL_STACK_LIMIT:
                raise SlackError("push_limit_reached")
            view = self._new_view("modal", user, payload, self.views[stack[-1]])
            stack.append(view.id)
            self.record("modal_push", user=user, view_id=view.id)
            return view

    def update_view(self, view: View, payload: JSON) -> View:
        """Replace a view's content; a new hash, and field errors are gone."""
        with self.lock:
            view.payload = with_view_ids(payload)
            view.hash = _view_hash()
            view.errors = {}
            kind: ActivityKind = "home" if view.type == "home" else "modal_update"
            self.record(kind, user=view.user, view_id=view.id)
            return view

    def set_view_errors(self, view: View, errors: dict[str, str]) -> None:
        """Field errors from `response_action: errors`; the modal stays open."""
        with self.lock:
            view.errors = dict(errors)
            self.record("modal_update", user=view.user, view_id=view.id)

    def close_modal(self, user: str, view_id: str, *, by_bot: bool = True) -> None:
        """Close a modal and any pushed above it; the bot's closes are activity."""
        with self.lock:
            stack = self.modal_stacks.get(user, [])
            if view_id not in stack:
                return
            for closed in stack[stack.index(view_id) :]:
                self.views.pop(closed, None)
            del stack[stack.index(view_id) :]
            if not stack:
                self.modal_stacks.pop(user, None)
            if by_bot:
                self.record("modal_close", user=user, view_id=view_id)

    def publish_home(self, user: str, payload: JSON) -> View:
        """Set the user's Home tab; the Home view keeps its id across publishes."""
        with self.lock:
            if user in self.home_views:
                return self.update_view(self.views[self.home_views[user]], payload)
            view = self._new_view("home", user, payload, None)
            self.home_views[user] = view.id
            self.record("home", user=user, view_id=view.id)
            return view

    def _new_view(
        self, kind: Literal["modal", "home"], user: str, payload: JSON, below: View | None
    ) -> View:
        view_id = self.new_id("V")
        view = View(
            view_id,
            kind,
            user,
            with_view_ids(payload),
            _view_hash(),
            root_view_id=below.root_view_id if below else view_id,
            previous_view_id=below.id if below else None,
        )
        self.views[view_id] = view
        return view


def _view_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"
