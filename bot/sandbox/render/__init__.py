"""Turn what the bot posts to Slack into plain terminal text for ``grievance-bot sandbox``.

The sandbox lets a newcomer play a Slack user against the real bot and a local Slack
emulator, so everything the bot sends (messages, ephemerals, DMs, modals, the App Home)
has to be readable in a terminal, and every interactive thing has to carry a short
command the user can type (``click m3 ack_grievance``, ``choose m3 severity High``,
``set category Timeline``).  This package is the pure half of that: Block Kit JSON
(plain dicts, exactly as Slack's Web API receives them) in, lines of text out.  It does
no I/O, so the console and the tests can diff its output directly.

Design rules, and why:

* Never raise on odd payloads.  The sandbox exists to show people what the bot does,
  including when the bot sends something malformed; a crash in the renderer would hide
  the very bug the user is trying to see.  Unknown blocks become
  ``[unsupported block: type]``.
* Strip control characters (except newline) and terminal escape sequences from every
  string taken from a payload, so a message cannot repaint or hijack the user's terminal.
  Right-to-left text and other printable Unicode is kept as is.
* Long text is never truncated; the terminal wraps it.  Only the decorations this package
  adds (rules, boxes, two-column fields) are kept within 100 columns.
* No colour unless asked for (``color=True``), so test output stays diff-able.

Its parts: ``text`` (payload strings made safe, mrkdwn, rich text), ``elements``
(interactive elements and their options), ``blocks`` (blocks as lines), ``messages`` and
``views`` (whole surfaces), ``controls`` (what the console needs to act on them).
"""

from bot.sandbox.render.blocks import render_blocks
from bot.sandbox.render.controls import (
    Choosable,
    describe_actions,
    describe_inputs,
    resolve_choice,
    resolve_choices,
)
from bot.sandbox.render.elements import ActionElement, InputField
from bot.sandbox.render.messages import render_file, render_message
from bot.sandbox.render.text import mrkdwn_to_text
from bot.sandbox.render.views import render_view

__all__ = [
    "ActionElement",
    "Choosable",
    "InputField",
    "describe_actions",
    "describe_inputs",
    "mrkdwn_to_text",
    "render_blocks",
    "render_file",
    "render_message",
    "render_view",
    "resolve_choice",
    "resolve_choices",
]
