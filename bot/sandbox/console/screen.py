"""What a console session knows and what it prints.

The session's state (who you are, where, what you have been shown and the short
references to it) and its output: everything the bot did since the last line, rendered
as text, with other people's private views left out and what reached you while someone
else was at the keyboard shown when you come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from bot.sandbox.render import render_file, render_message, render_view
from bot.sandbox.slack_side import Delivery
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Activity, Ephemeral


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


class Screen:
    """A session's state, and printing what the bot does as text."""

    def __init__(self, stack: SandboxStack, out: TextIO, user: str, channel: str) -> None:
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


_PRIVATE = frozenset({"ephemeral", "modal_open", "modal_update", "modal_push", "home"})
