"""The console commands that act in Slack: post, reply, edit, delete, react, click,
choose, run a shortcut, fill in and submit or cancel a modal, open the Home tab.

Each turns a line such as ``click m3 ack_grievance`` into what Slack's side sends the
bot, finding the message, ephemeral or view the reference was shown for.
"""

from __future__ import annotations

from typing import Any

from bot.ids import Callback
from bot.sandbox.console.screen import ConsoleError, Screen
from bot.sandbox.render import describe_actions, describe_inputs, resolve_choice, resolve_choices


class SlackActions(Screen):
    """Commands that act on what was shown, through Slack's side."""

    # ---- looking things up ---------------------------------------------------------

    def _message(self, ref: str) -> tuple[str, str]:
        if ref.startswith("#") and ref[1:].isdigit():
            return self._latest(f"Grievance #{ref[1:]}:", f"message of grievance {ref} here")
        if ref == "checkin":
            return self._latest("Check-in", "check-in in this channel")
        if ref == "pulse":
            dm = self.ws.dm_channel_for(self.user).id
            return self._latest("Client pulse:", "client pulse in your DMs", dm)
        if ref not in self.refs.messages:
            if ref in self.refs.ephemerals or ref in self.refs.views:
                raise ConsoleError(f"{ref} is not a channel message; only click or choose on it.")
            raise ConsoleError(
                f"No message {ref!r}; use a ref shown as m<number> (or e<number> "
                "for buttons on a private message)."
            )
        return self.refs.messages[ref]

    def _latest(self, prefix: str, what: str, channel: str | None = None) -> tuple[str, str]:
        """``#3`` (grievance 3's message) or ``checkin`` (the latest check-in) in this
        channel, or ``pulse`` (the latest pulse in your DMs), whatever its ``m`` ref: a
        script that waits over a weekend cannot know how many messages came before it."""
        where = channel or self.channel
        with self.ws.lock:
            posts = [
                m
                for m in self.ws.messages
                if m.channel == where and m.bot_id and m.text.startswith(prefix)
            ]
        if not posts:
            raise ConsoleError(f"No {what}.")
        return posts[-1].channel, posts[-1].ts

    def _user_id(self, name: str) -> str:
        wanted = name.lstrip("@").lower()
        for user in self.ws.users.values():
            if wanted in {user.id.lower(), user.name.lower()}:
                return user.id
        raise ConsoleError(f"No user {name!r}. Type `users`.")

    def _open_view(self) -> str:
        stack = self.ws.modal_stack(self.user)
        if not stack:
            raise ConsoleError("No modal is open for you.")
        return stack[-1].id

    # ---- commands ------------------------------------------------------------------

    def _post(self, text: str, thread_ts: str | None = None) -> None:
        message, delivery = self.stack.slack.post_message(
            self.user, self.channel, text, thread_ts=thread_ts
        )
        self._print(f"  ({self.refs.for_message(self.channel, message.ts)})")
        self._show_delivery(delivery)

    def _say(self, _args: list[str], rest: str) -> None:
        if not rest:
            raise ConsoleError("Usage: say <text>")
        self._post(rest)

    def _reply(self, args: list[str], rest: str) -> None:
        if len(args) < 2:
            raise ConsoleError("Usage: reply <ref> <text>")
        channel, ts = self._message(args[0])
        self.ws.channel_as_seen_by(self.user, channel, to_post=True)
        self.channel = channel
        self._post(_after_first(rest), thread_ts=ts)

    def _edit(self, args: list[str], rest: str) -> None:
        if len(args) < 2:
            raise ConsoleError("Usage: edit <ref> <text>")
        channel, ts = self._message(args[0])
        delivery = self.stack.slack.edit_message(self.user, channel, ts, _after_first(rest))
        self._print(f"  ✓ edited {args[0]}")
        self._show_delivery(delivery)

    def _delete(self, args: list[str], _rest: str) -> None:
        if len(args) != 1:
            raise ConsoleError("Usage: delete <ref>")
        channel, ts = self._message(args[0])
        delivery = self.stack.slack.delete_message(self.user, channel, ts)
        self._print(f"  ✓ deleted {args[0]}")
        self._show_delivery(delivery)

    def _react(self, args: list[str], _rest: str, remove: bool = False) -> None:
        if len(args) != 2:
            raise ConsoleError("Usage: react <ref> <emoji>")
        channel, ts = self._message(args[0])
        act = self.stack.slack.unreact if remove else self.stack.slack.react
        self._show_delivery(act(self.user, channel, ts, args[1].strip(":")))

    def _unreact(self, args: list[str], rest: str) -> None:
        self._react(args, rest, remove=True)

    def _target(self, ref: str) -> dict[str, Any]:
        if ref in self.refs.ephemerals:
            ephemeral = self.refs.ephemerals[ref]
            return {"ephemeral": ephemeral, "blocks": ephemeral.blocks}
        if ref in self.refs.views:
            view = self.ws.views.get(self.refs.views[ref])
            if view is None:
                raise ConsoleError(f"{ref} has been closed.")
            return {"view_id": view.id, "blocks": view.payload.get("blocks", [])}
        channel, ts = self._message(ref)
        message = self.ws.find_message(channel, ts)
        return {"message": (channel, ts), "blocks": message.blocks if message else []}

    def _click(self, args: list[str], _rest: str) -> None:
        if len(args) < 2:
            raise ConsoleError("Usage: click <ref> <action> [value]")
        target = self._target(args[0])
        blocks = target.pop("blocks")
        if not any(a.action_id == args[1] for a in describe_actions(blocks)):
            raise ConsoleError(f"{args[0]} has no button {args[1]!r}.")
        value = args[2] if len(args) > 2 else None
        self._show_delivery(self.stack.slack.click(self.user, args[1], value=value, **target))

    def _choose(self, args: list[str], _rest: str) -> None:
        if len(args) < 3:
            raise ConsoleError("Usage: choose <ref> <action> <option>")
        target = self._target(args[0])
        elements = [a for a in describe_actions(target.pop("blocks")) if a.action_id == args[1]]
        if not elements:
            raise ConsoleError(f"{args[0]} has no menu {args[1]!r}.")
        value = resolve_choice(elements[0], " ".join(args[2:]))
        if value is None:
            raise ConsoleError(f"No option {' '.join(args[2:])!r} in {args[1]}.")
        self._show_delivery(
            self.stack.slack.click(self.user, args[1], selected_option=value, **target)
        )

    def _shortcut(self, args: list[str], _rest: str) -> None:
        if len(args) != 1:
            raise ConsoleError("Usage: shortcut <ref>")
        channel, ts = self._message(args[0])
        self._show_delivery(
            self.stack.slack.message_shortcut(self.user, channel, ts, Callback.FILE_AS_GRIEVANCE)
        )

    def _set(self, args: list[str], rest: str) -> None:
        if len(args) < 2:
            raise ConsoleError("Usage: set <field> <value>")
        view_id = self._open_view()
        fields = {f.block_id: f for f in describe_inputs(self.ws.views[view_id].payload)}
        name, typed = args[0], _after_first(rest).replace("\\n", "\n")
        if name not in fields:
            raise ConsoleError(f"The modal has no field {name!r}; fields: {', '.join(fields)}")
        self.answers.setdefault(view_id, {})[name] = self._answer(fields[name], typed)
        self._print(f"  ✓ {name} set")

    def _answer(self, input_field: Any, typed: str) -> object:
        kind = input_field.element_type
        if kind == "users_select":
            return self._user_id(typed)
        if kind == "multi_users_select":
            return [self._user_id(part.strip()) for part in typed.split(",")]
        if input_field.choices:
            if input_field.multiple:
                chosen = (
                    ()
                    if typed.lower() in {"none", "no", ""}
                    else resolve_choices(input_field, typed)
                )
                if chosen is None:
                    raise ConsoleError(f"Choose from: {_choices(input_field)}")
                return list(chosen)
            value = resolve_choice(input_field, typed)
            if value is None:
                raise ConsoleError(f"Choose from: {_choices(input_field)}")
            return value
        return typed

    def _submit(self, _args: list[str], _rest: str) -> None:
        """Submit what was `set`. A form that comes back with errors keeps it, as Slack
        keeps what you typed: fix the one field and submit again."""
        view_id = self._open_view()
        delivery = self.stack.slack.submit_view(self.user, view_id, self.answers.get(view_id, {}))
        self.stack.settle()
        self._show_new_activity()  # the form again, its errors marked
        view = self.ws.views.get(view_id)
        if view is not None and view.errors:
            kept = "; ".join(
                f"{name} = {_shown(value)}" for name, value in self.answers.get(view_id, {}).items()
            )
            self._print(
                f"  (fix the field marked ! and submit again; kept: {kept or 'nothing set'})"
            )
        else:
            self.answers.pop(view_id, None)
        self._show_delivery(delivery)

    def _cancel(self, _args: list[str], _rest: str) -> None:
        view_id = self._open_view()
        self.answers.pop(view_id, None)
        self._show_delivery(self.stack.slack.close_view(self.user, view_id))
        self._print("  (closed)")

    def _home(self, _args: list[str], _rest: str) -> None:
        self._show_delivery(self.stack.slack.open_home(self.user))


def _after_first(rest: str) -> str:
    """What follows the first word: the text of ``reply m3 <text>`` as it was typed."""
    return rest.strip().split(None, 1)[1]


def _shown(value: object) -> str:
    """A value that was `set`, on one short line."""
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= 60 else text[:59] + "…"


def _choices(input_field: Any) -> str:
    return ", ".join(text for text, _value in input_field.choices)
