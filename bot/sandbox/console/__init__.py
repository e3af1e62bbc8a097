"""The sandbox's terminal session: act as a Slack user, see what the bot does, as text.

Each line is one action. Everything the bot shows in reply (messages, ephemerals, DMs,
modals, the App Home) is printed with a short reference (``m3``, ``v1``) to act on.
Lines come from a terminal or a script (``grievance-bot sandbox < demo.txt``).

Its parts: ``screen`` (the session's state and what it prints), ``slack_actions``
(commands that act in Slack) and ``clock`` (``wait``); who and where you are is kept here.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from typing import TextIO

from bot.sandbox.console.clock import ClockCommands
from bot.sandbox.console.screen import ConsoleError
from bot.sandbox.console.slack_actions import SlackActions
from bot.sandbox.stack import SandboxStack
from bot.sandbox.workspace import Channel, SlackError

__all__ = ["Console"]

logger = logging.getLogger("grievance_bot.sandbox")

HELP = """\
You are a Slack user in a local sandbox workspace. Commands:
  /grievance <text>          run the slash command in the current channel
  say <text>                 post a message in the current channel
  reply <ref> <text>         reply in the thread of message <ref>
  edit <ref> <text>          edit your own message <ref>; delete <ref>  delete it
  react <ref> <emoji>        add a reaction;             unreact <ref> <emoji>
  click <ref> <action> [value]   press a button shown as (click ...)
                             (#3: grievance 3's message; checkin: the latest check-in)
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


class Console(SlackActions, ClockCommands):
    """Reads actions, drives the sandbox stack, prints what the bot does."""

    def __init__(
        self, stack: SandboxStack, out: TextIO, user: str = "UANA", channel: str = "CACME"
    ) -> None:
        super().__init__(stack, out, user, channel)
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

    # ---- who and where you are -----------------------------------------------------

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


#: What Slack's refusals mean for the person typing.
_SLACK_ERRORS = {
    "not_in_channel": ": you are not a member of this channel, so you cannot post in it",
    "channel_not_found": ": no such channel for you (private channels exist only for members)",
    "cant_update_message": ": only a message's author can edit it, and nobody edits the bot's",
    "cant_delete_message": ": only a message's author can delete it, and nobody deletes the bot's",
    "message_not_found": ": that message is gone",
    "thread_not_found": ": that thread's first message is gone",
}


def _split(rest: str) -> list[str]:
    try:
        return shlex.split(rest)
    except ValueError:
        return rest.split()
