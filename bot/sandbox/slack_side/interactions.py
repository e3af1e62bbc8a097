"""What people do with the bot's interactive surfaces: buttons and menus in messages,
ephemerals and views, message shortcuts, and submitting or closing modals.

The bot's answer to a view submission is then applied as Slack applies it: close the
modal, show field errors, update it, push another or clear the stack.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.sandbox.blockkit_limits import view_errors
from bot.sandbox.slack_side.delivery import Delivery, SlackDelivery
from bot.sandbox.slack_side.element_state import _action, _unanswered_required, build_view_state
from bot.sandbox.workspace import JSON, Ephemeral, SlackError, View
from storage.clock import utcnow


class Interactions(SlackDelivery):
    """Clicks, choices, shortcuts and modal submissions and closes."""

    # ---- interactivity ---------------------------------------------------------------

    def click(
        self,
        user_id: str,
        action_id: str,
        *,
        message: tuple[str, str] | None = None,
        ephemeral: Ephemeral | None = None,
        view_id: str | None = None,
        value: str | None = None,
        selected_option: object = None,
    ) -> Delivery:
        """Use an interactive element in a message, an ephemeral or a view: `block_actions`."""
        ws = self.workspace
        user = ws.get_user(user_id)
        payload = self._interaction_base("block_actions", user)
        if view_id is not None:
            view = self._view_of(user_id, view_id, modal_only=False)
            blocks = view.payload.get("blocks", [])
            payload["container"] = {"type": "view", "view_id": view.id}
            payload["view"] = ws.view_json(view, build_view_state(view.payload, {}))
        elif message is not None:
            channel = ws.channel_as_seen_by(user_id, message[0])
            found = ws.get_message(channel.id, message[1])
            blocks = found.blocks
            payload["container"] = {
                "type": "message",
                "message_ts": found.ts,
                "channel_id": channel.id,
                "is_ephemeral": False,
            }
            if found.thread_ts:
                payload["container"]["thread_ts"] = found.thread_ts
            payload |= {
                "channel": self._channel(channel),
                "message": ws.message_json(found),
                "state": {"values": build_view_state({"blocks": blocks}, {})},
                "response_url": self._response_url(
                    channel.id, user_id, ("message", found.ts), found.thread_ts
                ),
            }
        elif ephemeral is not None:
            if ephemeral.user != user_id:
                raise ValueError(f"only {ephemeral.user} can see that ephemeral message")
            blocks = ephemeral.blocks
            payload["container"] = {
                "type": "message",
                "message_ts": ephemeral.ts,
                "channel_id": ephemeral.channel,
                "is_ephemeral": True,
            }
            payload |= {
                "channel": self._channel(ws.get_channel(ephemeral.channel)),
                "state": {"values": build_view_state({"blocks": blocks}, {})},
                "response_url": self._response_url(
                    ephemeral.channel, user_id, ("ephemeral", ephemeral.ts), ephemeral.thread_ts
                ),
            }
        else:
            raise ValueError("click needs a message, an ephemeral or a view_id")
        payload["actions"] = [_action(blocks, action_id, value, selected_option)]
        return self._interaction(payload)

    def message_shortcut(self, user_id: str, channel: str, ts: str, callback_id: str) -> Delivery:
        """Run a message shortcut on a message: `message_action`."""
        ws = self.workspace
        seen = ws.channel_as_seen_by(user_id, channel)
        found = ws.get_message(seen.id, ts)
        payload = self._interaction_base("message_action", ws.get_user(user_id)) | {
            "action_ts": f"{utcnow().timestamp():.6f}",
            "callback_id": callback_id,
            "channel": self._channel(seen),
            "message_ts": ts,
            "message": ws.message_json(found),
            "response_url": self._response_url(channel, user_id, None, found.thread_ts),
        }
        return self._interaction(payload)

    def submit_view(self, user_id: str, view_id: str, answers: Mapping[str, object]) -> Delivery:
        """Submit a modal with `answers`, then apply the bot's `response_action` like Slack."""
        ws = self.workspace
        view = self._view_of(user_id, view_id)
        state = build_view_state(view.payload, answers)
        if missing := _unanswered_required(view.payload, state):
            raise ValueError(f"Slack will not submit: required inputs left empty: {missing}")
        payload = self._interaction_base("view_submission", ws.get_user(user_id)) | {
            "view": ws.view_json(view, state),
            "response_urls": [],
        }
        delivery = self._interaction(payload)
        if delivery.status == 200:
            self._apply_view_answer(view, delivery)
        return delivery

    def _apply_view_answer(self, view: View, delivery: Delivery) -> None:
        """What Slack does with a view_submission ack (a non-JSON body leaves the modal be)."""
        ws = self.workspace
        if delivery.body.strip() and delivery.json is None:
            return
        answer = delivery.json or {}
        action = answer.get("response_action")
        if action is None:
            ws.close_modal(view.user, view.id)
        elif action == "errors":
            ws.set_view_errors(view, answer.get("errors") or {})
        elif action == "update":
            ws.update_view(view, _checked_view(answer.get("view")))
        elif action == "push":
            ws.push_modal(view.user, _checked_view(answer.get("view")))
        elif action == "clear":
            ws.close_modal(view.user, view.root_view_id)

    def close_view(self, user_id: str, view_id: str) -> Delivery | None:
        """The person closes a modal; the bot hears `view_closed` only with notify_on_close."""
        ws = self.workspace
        view = self._view_of(user_id, view_id)
        payload = self._interaction_base("view_closed", ws.get_user(user_id)) | {
            "view": ws.view_json(view, build_view_state(view.payload, {})),
            "is_cleared": False,
        }
        ws.close_modal(user_id, view_id, by_bot=False)
        if not view.payload.get("notify_on_close"):
            return None
        return self._interaction(payload)

    def _view_of(self, user_id: str, view_id: str, *, modal_only: bool = True) -> View:
        """A view this user has in front of them: an open modal (or their Home tab)."""
        ws = self.workspace
        with ws.lock:
            open_views = [v.id for v in ws.modal_stack(user_id)]
            if not modal_only and user_id in ws.home_views:
                open_views.append(ws.home_views[user_id])
            if view_id not in open_views:
                raise ValueError(f"{user_id} has no open view {view_id}")
            return ws.views[view_id]


def _checked_view(view: object) -> JSON:
    """A view the bot answered with; Slack refuses to show an invalid one."""
    errors = view_errors(view)
    if errors or not isinstance(view, dict):
        raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    return view
