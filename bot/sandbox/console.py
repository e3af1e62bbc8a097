"""The sandbox's terminal session: act as a Slack user, see what the bot does, as text.

Each line is one action. Everything the bot shows in reply (messages, ephemerals, DMs,
modals, the App Home) is printed with a short reference (``m3``, ``v1``) to act on.
Lines come from a terminal or a script (``grievance-bot sandbox < demo.txt``).
"""

from __future__ import annotations

import logging
import re
import shlex
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from bot.ids import Callback
from bot.jobs import next_due, run_due
from bot.sandbox.render import (
    describe_actions,
    describe_inputs,
    render_file,
    render_message,
    render_view,
    resolve_choice,
    resolve_choices,
)
from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Activity, Channel, Ephemeral, SlackError

logger = logging.getLogger("grievance_bot.sandbox")

HELP = """\
You are a Slack user in a local sandbox workspace. Commands:
  /grievance <text>          run the slash command in the current channel
  say <text>                 post a message in the current channel
  reply <ref> <text>         reply in the thread of message <ref>
  edit <ref> <text>          edit your own message <ref>; delete <ref>  delete it
  react <ref> <emoji>        add a reaction;             unreact <ref> <emoji>
  click <ref> <action> [value]   press a button shown as (click ...)
  choose <ref> <action> <option> pick from a menu shown as (choose ...)
  shortcut <ref>             "File as grievance" on message <ref>
  set <field> <value>        fill a field of the open modal (multi-line: use \\n)
  submit | cancel            submit or close the open modal
  home                       open the bot's App Home tab
  wait <30m|4h|2d>           move the sandbox clock on and run what falls due (check-ins,
                             nudges, reminders, digests); also `wait until next monday 09:31`
                             (UTC) or `wait until 2026-12-01T09:30Z`
  as <user> | in <channel>   switch who you are or where you are
  dm                         go to your direct messages with the bot (`in <channel>` leaves)
  users | channels | whoami  list people and channels, or show where you are
  help | quit
Lines starting with # are comments (handy in scripts). Slack's rules apply: you post only
in channels you are in, edit and delete only your own messages, and see private channels
only as a member; what Slack refuses is shown as a line starting with `!`."""


@dataclass
class _Refs:
    """Short names for what was shown, so people can type ``reply m3 ...``.

    Channel messages and DMs are ``m1, m2 …`` in the order they appear, ephemerals
    ``e1, e2 …`` and views ``v1 …``: separate counters keep a script's references stable
    even though an acknowledgement and the message posted after it may arrive either way.
    """

    messages: dict[str, tuple[str, str]] = field(default_factory=dict)
    ephemerals: dict[str, Ephemeral] = field(default_factory=dict)
    views: dict[str, str] = field(default_factory=dict)
    by_ts: dict[tuple[str, str], str] = field(default_factory=dict)
    count: int = 0
    ephemeral_count: int = 0

    def for_message(self, channel: str, ts: str) -> str:
        key = (channel, ts)
        if key not in self.by_ts:
            self.count += 1
            self.by_ts[key] = f"m{self.count}"
            self.messages[self.by_ts[key]] = key
        return self.by_ts[key]

    def for_ephemeral(self, ephemeral: Ephemeral) -> str:
        self.ephemeral_count += 1
        ref = f"e{self.ephemeral_count}"
        self.ephemerals[ref] = ephemeral
        return ref

    def for_view(self, view_id: str) -> str:
        for ref, known in self.views.items():
            if known == view_id:
                return ref
        ref = f"v{len(self.views) + 1}"
        self.views[ref] = view_id
        return ref


class ConsoleError(Exception):
    """A line the console can't act on; the message says how to write it."""


class Console:
    """Reads actions, drives the sandbox stack, prints what the bot does."""

    def __init__(
        self, stack: SandboxStack, out: TextIO, user: str = "UANA", channel: str = "CACME"
    ) -> None:
        self.stack = stack
        self.ws = stack.workspace
        self.out = out
        self.user = user
        self.channel = channel
        #: Where someone lands who cannot see the channel the last person was in.
        self.lobby = channel
        self.refs = _Refs()
        self.answers: dict[str, dict[str, object]] = {}
        self.seen = len(self.ws.activity)
        #: Where in the activity log each person stopped acting: what reached them after
        #: that, while someone else was at the keyboard, is shown when they come back.
        self.left_at: dict[str, int] = {}
        self._commands: dict[str, Callable[[list[str], str], None]] = {
            "say": self._say,
            "reply": self._reply,
            "edit": self._edit,
            "delete": self._delete,
            "react": self._react,
            "unreact": self._unreact,
            "click": self._click,
            "choose": self._choose,
            "shortcut": self._shortcut,
            "set": self._set,
            "submit": self._submit,
            "cancel": self._cancel,
            "home": self._home,
            "wait": self._wait,
            "as": self._as,
            "in": self._in,
            "dm": self._dm,
            "users": self._users,
            "channels": self._channels,
            "whoami": self._whoami,
            "help": lambda _a, _r: self._print(HELP),
        }

    # ---- the loop ----------------------------------------------------------------

    def run(self, lines: TextIO, interactive: bool) -> int:
        """Handle every line until ``quit`` or end of input; returns an exit status."""
        self._whoami([], "")
        while True:
            if interactive:
                self.out.write(f"{self._name(self.user)} in {self._where()}> ")
                self.out.flush()
            line = lines.readline()
            if not line:
                return 0
            line = line.strip()
            if not line or line.startswith("#"):
                if line and not interactive:
                    self._print(line)
                continue
            if not interactive:
                self._print(f"{self._name(self.user)}> {line}")
            if line in {"quit", "exit"}:
                return 0
            self.handle(line)

    def handle(self, line: str) -> None:
        """Carry out one line and print what the bot did in response.

        Whatever goes wrong (a typo, something Slack refuses, a bot that does not answer)
        is one line starting with ``!``: a newcomer's session never ends on a traceback.
        """
        try:
            if line.startswith("/"):
                command, _, text = line.partition(" ")
                self._show_delivery(
                    self.stack.slack.slash_command(self.user, self.channel, text, command=command)
                )
            else:
                word, _, rest = line.partition(" ")
                handler = self._commands.get(word.lower())
                if handler is None:
                    raise ConsoleError(f"Unknown command {word!r}. Type `help`.")
                handler(_split(rest), rest)
        except SlackError as refused:
            self._problem(f"Slack says {refused.code}{_SLACK_ERRORS.get(refused.code, '')}")
        except (ConsoleError, ValueError) as problem:  # ValueError: the emulator refusing
            self._problem(str(problem))
        except Exception as failure:  # the session outlives any one line; details at DEBUG
            logger.debug("sandbox line failed", exc_info=True)
            self._problem(f"That did not work ({type(failure).__name__}: {failure}).")
        self.stack.settle()
        self._show_new_activity()

    # ---- output --------------------------------------------------------------------

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _problem(self, text: str) -> None:
        """One ``!`` line, whatever the message: scripts and people scan for these."""
        self._print("  ! " + " ".join(text.split()))

    def _names(self) -> dict[str, str]:
        # people first, and not the bot: a picker's example should be someone to pick
        people = sorted(self.ws.users.values(), key=lambda u: (u.is_bot, u.id))
        names = {u.id: u.name for u in people}
        names.update({c.id: c.name for c in self.ws.channels.values()})
        return names

    def _name(self, user_id: str) -> str:
        user = self.ws.users.get(user_id)
        return user.name if user else user_id

    def _where(self) -> str:
        """Where you are: ``#acme-recovery``, or ``your DM with grievance-bot``."""
        label = self._label(self.channel)
        return "your DM with grievance-bot" if label.startswith("@") else label

    def _label(self, channel_id: str) -> str:
        """A channel as Slack's sidebar names it: ``#acme-recovery``; a DM by the bot's name."""
        channel = self.ws.channels.get(channel_id)
        if channel is None:
            return channel_id
        return "@grievance-bot" if channel.is_im else f"#{channel.name}"

    def _show_delivery(self, delivery: Delivery | None) -> None:
        if delivery is not None and delivery.status not in {200, 0}:
            self._problem(f"the bot answered HTTP {delivery.status}: {delivery.body[:200]}")
        if delivery is not None and delivery.status == 0:
            self._problem(
                "the bot did not answer within 3 seconds (Slack would show 'operation_timeout')"
            )

    def _show_new_activity(self) -> None:
        for activity in self.ws.activities_since(self.seen):
            self.seen = max(self.seen, activity.seq)
            if activity.user not in {None, self.user} and activity.kind in _PRIVATE:
                continue  # someone else's private view
            if shown := self._render(activity):
                self._print(shown)

    def _show_while_away(self) -> None:
        """What reached the current user while someone else was acting, once.

        Their ephemerals were hidden then, so they are shown in full (with refs to click);
        their DMs were shown as they came, so each is named again in one line.
        """
        since = self.left_at.pop(self.user, 0)
        ephemerals: dict[str, Activity] = {}
        dms: dict[str, Activity] = {}
        for activity in self.ws.activities_since(since):
            if activity.kind == "ephemeral" and activity.user == self.user and activity.ts:
                ephemerals[activity.ts] = activity
            elif activity.kind in {"message", "file"} and activity.ts and self._is_my_dm(activity):
                dms[activity.ts] = activity
        lines = [shown for a in ephemerals.values() if (shown := self._render(a))]
        lines += [shown for a in dms.values() if (shown := self._dm_line(a))]
        if lines:
            self._print("While you were away:")
            for line in lines:
                self._print(line)

    def _is_my_dm(self, activity: Activity) -> bool:
        channel = self.ws.channels.get(activity.channel or "")
        return channel is not None and channel.is_im and self.user in channel.members

    def _dm_line(self, activity: Activity) -> str:
        message = self.ws.find_message(activity.channel or "", activity.ts or "")
        if message is None:
            return ""
        ref = self.refs.for_message(message.channel, message.ts)
        first = (message.text or "(a message with blocks)").strip().splitlines()[0]
        return f"  {ref} · DM from grievance-bot: {first[:100]}"

    def _render(self, activity: Activity) -> str:
        names = self._names()
        if activity.kind in {"message", "update", "file"} and activity.channel and activity.ts:
            message = self.ws.find_message(activity.channel, activity.ts)
            if message is None:
                return ""
            channel = self.ws.channels[activity.channel]
            data = self.ws.message_json(message)
            data.pop("files", None)  # shown below with a preview, not as a bare name
            if message.is_reply:
                data["thread_ref"] = self.refs.for_message(
                    activity.channel, message.thread_ts or ""
                )
            kind = "message" if activity.kind == "file" else activity.kind
            where = self._label(channel.id)
            if channel.is_im:
                kind = "dm"
                people = sorted(m for m in channel.members if m != self.ws.bot_user_id)
                where = "to " + ", ".join(self._name(m) for m in people)
            ref = self.refs.for_message(activity.channel, activity.ts)
            shown = render_message(data, names, ref=ref, channel_name=where, kind=kind)
            previews = [
                line
                for shared in message.files
                if (upload := self.ws.files.get(str(shared.get("id")))) is not None
                for line in render_file(upload.name, upload.content)
            ]
            return "\n".join([shown, *previews])
        if activity.kind == "ephemeral" and activity.ts:
            ephemeral = self.ws.find_ephemeral(activity.ts)
            if ephemeral is None:
                return ""
            data = {
                "ts": ephemeral.ts,
                "text": ephemeral.text,
                "blocks": ephemeral.blocks,
                "user": self.ws.bot_user_id,
            }
            return render_message(
                data,
                names,
                ref=self.refs.for_ephemeral(ephemeral),
                channel_name=self._label(ephemeral.channel),
                kind="ephemeral",
            )
        if (
            activity.kind in {"modal_open", "modal_update", "modal_push", "home"}
            and activity.view_id
        ):
            view = self.ws.views.get(activity.view_id)
            if view is None:  # closed again before it was shown
                return ""
            return render_view(
                view.payload, names, ref=self.refs.for_view(view.id), errors=view.errors
            )
        if activity.kind == "modal_close":
            return "  (the modal closed)"
        return ""

    # ---- looking things up ---------------------------------------------------------

    def _message(self, ref: str) -> tuple[str, str]:
        if ref not in self.refs.messages:
            if ref in self.refs.ephemerals or ref in self.refs.views:
                raise ConsoleError(f"{ref} is not a channel message; only click or choose on it.")
            raise ConsoleError(
                f"No message {ref!r}; use a ref shown as m<number> (or e<number> "
                "for buttons on a private message)."
            )
        return self.refs.messages[ref]

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

    def _wait(self, args: list[str], rest: str) -> None:
        """Move the sandbox clock on, stopping at each instant something falls due (a
        check-in, a nudge, a reminder, a digest) to run it there, as the scheduler would."""
        if args[:2] == ["until", "next"] and len(args) == 4:
            target = self._next_weekday_time(args[2], args[3])
        elif len(args) == 2 and args[0] == "until":
            try:
                target = datetime.fromisoformat(args[1].replace("Z", "+00:00"))
            except ValueError:
                raise ConsoleError("Usage: wait until 2026-12-01T09:30Z") from None
            target = target if target.tzinfo else target.replace(tzinfo=UTC)
        else:
            match = _DURATION.fullmatch(rest.strip())
            if match is None:
                raise ConsoleError("Usage: wait <number><m|h|d>, e.g. wait 4h")
            amount, unit = int(match.group(1)), match.group(2)
            target = self.now + timedelta(**{_UNITS[unit]: amount})
        if target < self.now:
            raise ConsoleError("The sandbox clock only moves forward.")
        if target - self.now > MAX_WAIT:
            raise ConsoleError(f"Wait at most {MAX_WAIT.days} days at a time.")
        done: Counter[str] = Counter()
        while (due := next_due(self.stack.db, self.now)) is not None and due <= target:
            self._run_due_at(due, done)
        self._run_due_at(target, done)
        happened = ", ".join(f"{count} {name}" for name, count in done.items() if count > 0)
        self._print(
            f"  (it is now {self.now:%a %d %b %H:%M} UTC{'; ' + happened if happened else ''})"
        )

    def _run_due_at(self, moment: datetime, done: Counter[str]) -> None:
        """Stop the clock at ``moment`` and do what is due there, as the scheduler's tick
        would; what the bot posted is shown before the clock moves on."""
        self.stack.advance(moment)
        done.update(run_due(self.stack.db, self.stack.app.client, self.now))
        self.stack.settle()
        self._show_new_activity()

    @property
    def now(self) -> datetime:
        """The sandbox clock."""
        return self.stack.clock()

    def _next_weekday_time(self, weekday: str, clock: str) -> datetime:
        """``next monday 09:31`` (UTC), strictly after the sandbox clock: scripts stay
        deterministic whatever day they are run on."""
        days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", clock)
        if weekday.lower() not in days or match is None:
            raise ConsoleError("Usage: wait until next monday 09:31")
        target = self.now.replace(
            hour=int(match.group(1)), minute=int(match.group(2)), second=0, microsecond=0
        )
        target += timedelta(days=(days.index(weekday.lower()) - target.weekday()) % 7)
        return target if target > self.now else target + timedelta(days=7)

    def _home(self, _args: list[str], _rest: str) -> None:
        self._show_delivery(self.stack.slack.open_home(self.user))

    def _as(self, args: list[str], _rest: str) -> None:
        """Become someone else where they can be: your DM becomes theirs, and a private
        channel they are not in is left for the channel the session started in."""
        if len(args) != 1:
            raise ConsoleError("Usage: as <user>")
        user = self._user_id(args[0])
        if self.ws.users[user].is_bot:
            raise ConsoleError("You can act as ana, ben, carla or dev, not as the bot.")
        self.left_at[self.user] = self.seen
        self.user = user
        here = self.ws.channels.get(self.channel)
        if here is not None and here.is_im:
            self.channel = self.ws.dm_channel_for(user).id
        elif here is None or not self._can_see(here):
            self.channel = self.lobby
        self._whoami([], "")
        self._show_while_away()

    def _in(self, args: list[str], _rest: str) -> None:
        if len(args) != 1:
            raise ConsoleError("Usage: in <channel>")
        wanted = args[0].lstrip("#").lower()
        for channel in self.ws.channels.values():
            if not channel.is_im and wanted in {channel.id.lower(), channel.name.lower()}:
                self.channel = self.ws.channel_as_seen_by(self.user, channel.id).id
                self._whoami([], "")
                return
        raise ConsoleError(f"No channel {args[0]!r}. Type `channels`.")

    def _dm(self, args: list[str], _rest: str) -> None:
        """Your direct messages with the bot: `say` there is a DM to the bot."""
        if args:
            raise ConsoleError("Usage: dm (then say, reply, /grievance ... in your DM)")
        self.channel = self.ws.dm_channel_for(self.user).id
        self._whoami([], "")

    def _can_see(self, channel: Channel) -> bool:
        return self.user in channel.members or not (channel.is_private or channel.is_im)

    def _users(self, _args: list[str], _rest: str) -> None:
        for user in self.ws.users.values():
            if user.is_bot:
                continue
            kind = (
                "guest, client side"
                if user.is_restricted
                else "Slack Connect, client side"
                if user.team_id != self.ws.team_id
                else "team side"
            )
            self._print(f"  {user.name:<8} {user.real_name} ({kind})")

    def _channels(self, _args: list[str], _rest: str) -> None:
        for channel in self.ws.channels.values():
            if channel.is_im or not self._can_see(channel):
                continue  # a private channel you are not in does not exist for you
            bot_in = (
                "bot is a member" if self.ws.bot_user_id in channel.members else "bot NOT invited"
            )
            private = "private" if channel.is_private else "public"
            you = "you are in it" if self.user in channel.members else "you are NOT in it"
            self._print(f"  #{channel.name:<20} {private}, {bot_in}, {you}")

    def _whoami(self, _args: list[str], _rest: str) -> None:
        user = self.ws.users[self.user]
        self._print(f"  You are {user.name} ({user.real_name}) in {self._where()}.")


_PRIVATE = frozenset({"ephemeral", "modal_open", "modal_update", "modal_push", "home"})

#: What Slack's refusals mean for the person typing.
_SLACK_ERRORS = {
    "not_in_channel": ": you are not a member of this channel, so you cannot post in it",
    "channel_not_found": ": no such channel for you (private channels exist only for members)",
    "cant_update_message": ": only a message's author can edit it, and nobody edits the bot's",
    "cant_delete_message": ": only a message's author can delete it, and nobody deletes the bot's",
    "message_not_found": ": that message is gone",
    "thread_not_found": ": that thread's first message is gone",
}

#: The longest ``wait``: a month of check-ins is plenty to see, and stays quick.
MAX_WAIT = timedelta(days=31)

_DURATION = re.compile(r"(\d{1,4})\s*([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def _after_first(rest: str) -> str:
    """What follows the first word: the text of ``reply m3 <text>`` as it was typed."""
    return rest.strip().split(None, 1)[1]


def _shown(value: object) -> str:
    """A value that was `set`, on one short line."""
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= 60 else text[:59] + "…"


def _split(rest: str) -> list[str]:
    try:
        return shlex.split(rest)
    except ValueError:
        return rest.split()


def _choices(input_field: Any) -> str:
    return ", ".join(text for text, _value in input_field.choices)
